#include "ws2sim/model/status.h"

namespace ws2sim {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kInvalidState:
      return "invalid-state";
    case ErrorCode::kAlreadyExists:
      return "already-exists";
    case ErrorCode::kResourceExhausted:
      return "resource-exhausted";
    case ErrorCode::kConnectionClosed:
      return "connection-closed";
  }
  return "unknown";
}

BadResultAccess::BadResultAccess(const Error& error)
    : std::logic_error("Result::value() on an error: " + std::string(to_string(error.code)) + ": " +
                       error.message),
      error_(error) {}

}  // namespace ws2sim
