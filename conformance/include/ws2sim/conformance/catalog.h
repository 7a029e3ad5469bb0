// ws2sim/conformance/catalog.h — the conformance catalog (conformance/catalog.json): one entry per
// behaviour statement, with its source, evidence grade and the profiles it applies to.
//
//   const Catalog catalog = load_catalog("conformance/catalog.json");  // throws CatalogError
//   for (const Statement& s : catalog.statements)
//     if (s.applies_to(*find_profile("windows-xp"))) ...
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ws2sim/winsock/profile.h"

namespace ws2sim::conformance {

/// A malformed catalog: the message names the entry and the field.
class CatalogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A source document: a documentation page, or a section of the behaviour reference.
struct Document {
  std::string key;    ///< "so-keepalive", "spec-4", ...
  std::string title;  ///< "SO_KEEPALIVE socket option"
  std::string where;  ///< Where the text is (seed files, spec section).
};

/// Where a statement comes from.
struct SourceRef {
  std::string doc;      ///< A Document key.
  std::string section;  ///< Section, parameter or error row.
  std::string origin;   ///< Underlying evidence (Wine test, RFC), if any.
};

/// Which profiles a statement applies to: "all", "nt5", "nt6+", "build>=N", "build<N", or an
/// explicit list of profile names.
class ProfileRule {
 public:
  /// Parses the JSON value's text form (`text`) or a list (`names`); throws CatalogError.
  static ProfileRule parse(std::string_view text);
  static ProfileRule list(std::vector<std::string> names);
  [[nodiscard]] bool applies(const winsock::Profile& p) const;
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  enum class Kind : std::uint8_t { kAll, kBehaviour, kList };
  Kind kind_ = Kind::kAll;
  const winsock::NamedBehaviour* behaviour_ = nullptr;  // kBehaviour
  bool negated_ = false;                                // kBehaviour: "!name"
  std::vector<std::string> names_;
  std::string text_;
};

/// Default: the profile's observed behaviour. Strict: the host follows the documentation page
/// literally (HostSwitches::strict_documentation), an emulator switch.
enum class Mode : std::uint8_t { kDefault, kStrict };

struct Statement {
  std::string id;
  std::string text;
  SourceRef source;
  std::vector<SourceRef> also;  ///< Other documents that state the same behaviour.
  std::string evidence;         ///< documented | observed | rfc | inferred
  ProfileRule profiles;
  Mode mode = Mode::kDefault;
  bool testable = true;
  std::string reason;  ///< Why it cannot be tested (testable == false).

  [[nodiscard]] bool applies_to(const winsock::Profile& p) const { return profiles.applies(p); }
  /// Whether the statement cites `doc` (as its source or in `also`).
  [[nodiscard]] bool cites(std::string_view doc) const;
};

struct Catalog {
  std::vector<Document> documents;
  std::vector<Statement> statements;

  [[nodiscard]] const Statement* find(std::string_view id) const;
  [[nodiscard]] const Document* document(std::string_view key) const;
};

/// Parses and validates catalog JSON text. Throws CatalogError naming the problem: a missing or
/// mistyped field, a duplicate id, an unknown document, evidence grade, mode or profile rule.
Catalog parse_catalog(std::string_view json_text);
/// Reads and parses a catalog file.
Catalog load_catalog(const std::string& path);

/// "SO_KEEPALIVE socket option — Error codes: WSAEFAULT (Wine ...)".
std::string describe_source(const Catalog& catalog, const Statement& s);

}  // namespace ws2sim::conformance
