// Errors as values. Library code returns Result<T>; only the CLI turns an Error into a message
// and an exit code. C++20 has no std::expected, so this is the small subset we use.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace perfadvise {

/// What went wrong, as one line a user can act on ("<file>: <problem>").
struct Error {
  std::string message;
};

template <typename... Args>
Error make_error(fmt::format_string<Args...> format, Args&&... args) {
  return Error{fmt::format(format, std::forward<Args>(args)...)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace perfadvise

/// Propagates an error from an expression returning Result<...>.
#define PA_TRY(expr)                                         \
  do {                                                       \
    auto pa_try_result_ = (expr);                            \
    if (!pa_try_result_.ok()) return pa_try_result_.error(); \
  } while (false)

#define PA_CONCAT_INNER(a, b) a##b
#define PA_CONCAT(a, b) PA_CONCAT_INNER(a, b)

/// `PA_ASSIGN_OR_RETURN(auto x, load(...));` binds the value or returns the error.
// `lhs` is a declaration ("auto x") and cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PA_ASSIGN_OR_RETURN(lhs, expr) \
  PA_ASSIGN_OR_RETURN_IMPL(PA_CONCAT(pa_result_, __LINE__), lhs, expr)
#define PA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.error();             \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
