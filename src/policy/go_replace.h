// Go regexp replacement semantics on RE2 (Go's regexp package and RE2 share one syntax).
// pathMap regex rules are written for the Go original, whose transformer calls
// Regexp.ReplaceAllString; these helpers reproduce that behaviour byte for byte on ASCII input.
#pragma once

#include <string>
#include <string_view>

#include <re2/re2.h>

namespace copycat::policy {

// Appends the expansion of `tmpl` to `out` as Go's Regexp.Expand does:
//   $$ -> "$";  $name / ${name} -> the named or numbered group ("" when absent or unmatched);
//   a name is the longest run of [A-Za-z0-9_], so "$1x" means "${1x}" (normally "");
//   numbers with leading zeros ("$01") are names; a malformed "$" ("$", "${", "${1")
//   is copied literally.
// `groups[i]` is group i (data() == nullptr when it did not participate).
// Known gap: Go also accepts non-ASCII Unicode letters and digits in names.
void goExpand(std::string& out, std::string_view tmpl, const re2::RE2& re,
              const re2::StringPiece* groups, int group_count);

// Returns `src` with every non-overlapping match of `re` replaced by the expansion of `tmpl`,
// as Go's Regexp.ReplaceAllString: empty matches directly after a previous match are ignored,
// and the search advances by one UTF-8 sequence after an empty match.
std::string goReplaceAll(const re2::RE2& re, std::string_view src, std::string_view tmpl);

}  // namespace copycat::policy
