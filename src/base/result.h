// Result<T>: a value or an Error. Functions that can fail for environmental reasons return it.
#pragma once

#include <tl/expected.hpp>

#include "base/error.h"

namespace copycat {

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}
inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

inline Status ok() { return {}; }

}  // namespace copycat

// Propagates an error from an expression returning Result/Status.
#define COPYCAT_CONCAT_INNER(a, b) a##b
#define COPYCAT_CONCAT(a, b) COPYCAT_CONCAT_INNER(a, b)
#define RETURN_IF_ERROR(expr)                                      \
  do {                                                             \
    auto _copycat_status = (expr);                                 \
    if (!_copycat_status) {                                        \
      return ::tl::unexpected(std::move(_copycat_status).error()); \
    }                                                              \
  } while (false)

// ASSIGN_OR_RETURN(auto x, f()); declares x from the value of f() or returns its error.
// `lhs` and `tmp` are declarators, which cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(COPYCAT_CONCAT(_copycat_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)        \
  auto tmp = (expr);                                 \
  if (!tmp) {                                        \
    return ::tl::unexpected(std::move(tmp).error()); \
  }                                                  \
  lhs = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)
