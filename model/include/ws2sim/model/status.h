// ws2sim/model/status.h — errors as values.
//
// Library functions that can fail return `Status` (no value) or `Result<T>`. A failed call always
// carries a code and a sentence saying what was wrong, and leaves the state it was called on
// unchanged. Nothing throws for bad input.
//
//   Result<EndpointId> ep = net.connect(client, server_addr, 80);
//   if (!ep.ok()) { std::cerr << ep.error().message << '\n'; return; }
//   net.send(*ep, bytes);
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ws2sim {

/// Broad classes of failure. The Winsock layer maps these (plus context) to WSA error codes.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument,  ///< A parameter is outside its documented range.
  kNotFound,         ///< A host, endpoint or event id does not exist (any more).
  kInvalidState,     ///< The object exists but cannot do this now (e.g. send on a closed endpoint).
  kAlreadyExists,    ///< The name or address is taken.
  kResourceExhausted,  ///< A table is full (ports, handles).
  kConnectionClosed,   ///< The connection ended; see the endpoint's close reason.
};

/// The stable lower-case name of a code, e.g. "invalid-argument".
std::string_view to_string(ErrorCode code) noexcept;

/// A failure: what kind, and a sentence for a person.
struct Error {
  ErrorCode code;
  std::string message;
};

/// BadResultAccess — what Result::value() throws when the result holds an error: the caller
/// skipped the ok() check (a bug in the calling code, not bad input). what() names the error's
/// code and message, so an uncaught one says why: "Result::value() on an error: invalid-argument:
/// unknown profile 'windows-12'; known: ...".
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& error);
  /// BadResultAccess::error — the error the result held.
  [[nodiscard]] const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

/// The outcome of an operation without a value.
class [[nodiscard]] Status {
 public:
  /// A successful status.
  Status() = default;
  /// A failed status. Implicit so that `return Error{...};` reads naturally.
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
  /// The error; only valid when `!ok()`.
  [[nodiscard]] const Error& error() const { return *error_; }
  /// The error's code, or nullopt on success: `EXPECT_EQ(s.code(), ErrorCode::kNotFound)`.
  [[nodiscard]] std::optional<ErrorCode> code() const {
    return error_ ? std::optional<ErrorCode>{error_->code} : std::nullopt;
  }

 private:
  std::optional<Error> error_;
};

/// Either a value or an error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  /// The value; throws BadResultAccess (naming the error) when the result holds an error.
  [[nodiscard]] const T& value() const& {
    check();
    return *std::get_if<0>(&v_);
  }
  [[nodiscard]] T& value() & {
    check();
    return *std::get_if<0>(&v_);
  }
  [[nodiscard]] T&& value() && {
    check();
    return std::move(*std::get_if<0>(&v_));
  }
  [[nodiscard]] const Error& error() const { return std::get<1>(v_); }
  [[nodiscard]] Status status() const { return ok() ? Status{} : Status{error()}; }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  void check() const {
    if (v_.index() != 0) [[unlikely]] {
      throw BadResultAccess(*std::get_if<1>(&v_));
    }
  }

  std::variant<T, Error> v_;
};

/// Shorthand constructors for errors.
inline Error invalid_argument(std::string msg) {
  return {ErrorCode::kInvalidArgument, std::move(msg)};
}
inline Error not_found(std::string msg) {
  return {ErrorCode::kNotFound, std::move(msg)};
}
inline Error invalid_state(std::string msg) {
  return {ErrorCode::kInvalidState, std::move(msg)};
}
inline Error resource_exhausted(std::string msg) {
  return {ErrorCode::kResourceExhausted, std::move(msg)};
}

}  // namespace ws2sim
