// Small string helpers shared by every module.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace copycat::strings {

std::string toLower(std::string_view s);
std::string_view trim(std::string_view s);
// Splits on `sep`; keeps empty pieces.
std::vector<std::string> split(std::string_view s, char sep);
// Splits a comma-separated list, trimming blanks and dropping empty items ("a, b,,c").
std::vector<std::string> splitList(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool equalsIgnoreCase(std::string_view a, std::string_view b);
// Parses true/false, yes/no, on/off, 1/0, t/f, y/n (case-insensitive).
std::optional<bool> parseBool(std::string_view s);
// Matches a shell-style glob with '*' and '?' against the whole string.
bool globMatch(std::string_view pattern, std::string_view text);
// Lower-case hex of raw bytes.
std::string hexEncode(std::string_view bytes);

}  // namespace copycat::strings
