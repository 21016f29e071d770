// Article files built to exhaust a parser, shared by the HTTP and CLI tests.
#pragma once

#include <string>

namespace solusi::testing {

/// YAML alias expansion ("billion laughs"): eight levels of nine aliases, 9^8 (43 million) values
/// when expanded, under 400 bytes as written; @p body follows the front matter.
inline std::string billion_laughs(const std::string& body = "Isi artikel.\n") {
  std::string fm =
      "title: Tawa\n"
      "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  std::string previous = "a";
  for (const std::string name : {"b", "c", "d", "e", "f", "g", "h", "i"}) {
    fm += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i) fm += (i ? ", *" : "*") + previous;
    fm += "]\n";
    previous = name;
  }
  return "---\n" + fm + "---\n" + body;
}

}  // namespace solusi::testing
