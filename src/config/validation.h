// Normalisation and validation of a merged configuration (internal to config/). Every problem
// is recorded (one line: key path, offending value, what is allowed); none stops the others.
#pragma once

#include "config/load_state.h"

namespace copycat::config::internal {

// Applies the documented fallbacks and canonical spellings: an empty includeNamespaces means
// "*", empty watchResources means all kinds, empty digestPullIgnoredTags means [latest],
// debug forces logLevel debug, enum-like strings are upper-cased, hosts lower-cased.
void normalize(LoadState& state);

// Checks everything; records problems in state.problems.
void validate(LoadState& state);

// Target-specific parts of validate() (validation_target.cc).
void validateEcr(LoadState& state);
void validateDocker(LoadState& state);

}  // namespace copycat::config::internal
