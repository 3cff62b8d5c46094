# Generates a .cpp holding every rules/*.md as a raw string literal.
# Usage: cmake -DDOCS_DIR=... -DOUTPUT=... -P embed_docs.cmake
file(GLOB docs "${DOCS_DIR}/*.md")
list(SORT docs)
set(body "")
foreach(doc IN LISTS docs)
  get_filename_component(id "${doc}" NAME_WE)
  file(READ "${doc}" text)
  string(FIND "${text}" ")perfadvise_doc\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${doc} contains the raw-string delimiter")
  endif()
  string(APPEND body "    {\"${id}\", R\"perfadvise_doc(${text})perfadvise_doc\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from rules/*.md by rules/embed_docs.cmake. Do not edit.
#include \"rules/rule_docs.h\"

namespace perfadvise {

const std::vector<EmbeddedRuleDoc>& embedded_rule_docs() {
  static const std::vector<EmbeddedRuleDoc> docs{
${body}  };
  return docs;
}

}  // namespace perfadvise
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
