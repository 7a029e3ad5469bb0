// The Win32 basics network programs use besides Winsock (docs/windows-code.md): the process
// heap and fixed Local/Global memory over the C library's heap, kernel32's lstr* string
// functions and SetConsoleCtrlHandler (its events come from World::send_console_ctrl).
#include <malloc.h>
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/call.h"
#include "core/host_state.h"
// The drop-in Windows header.
#include <windows.h>

using namespace ws2sim::winsock::detail;

namespace {

// The one heap a process has here; its handle is an address nothing else uses.
char process_heap_tag;

HANDLE process_heap() {
  return static_cast<HANDLE>(&process_heap_tag);
}

void* allocate(SIZE_T bytes, bool zero) {
  const SIZE_T n = bytes == 0 ? 1 : bytes;  // a zero-byte block is still a block, as on Windows
  return zero ? std::calloc(1, n) : std::malloc(n);
}

// Fixed Local/Global memory only: a moveable block's handle is not its address.
HANDLE fixed_alloc(UINT flags, SIZE_T bytes) {
  if ((flags & LMEM_MOVEABLE) != 0) {
    thread_state().last_error = ERROR_CALL_NOT_IMPLEMENTED;
    return nullptr;
  }
  void* p = allocate(bytes, (flags & LMEM_ZEROINIT) != 0);
  if (p == nullptr) {
    thread_state().last_error = ERROR_NOT_ENOUGH_MEMORY;
  }
  return p;
}

}  // namespace

HANDLE WINAPI GetProcessHeap(void) {
  return process_heap();
}

LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes) {
  if (hHeap != process_heap()) {
    thread_state().last_error = ERROR_INVALID_HANDLE;
    return nullptr;
  }
  return allocate(dwBytes, (dwFlags & HEAP_ZERO_MEMORY) != 0);
}

LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes) {
  if (hHeap != process_heap() || lpMem == nullptr) {
    thread_state().last_error = ERROR_INVALID_PARAMETER;
    return nullptr;
  }
  if ((dwFlags & HEAP_REALLOC_IN_PLACE_ONLY) != 0) {
    if (malloc_usable_size(lpMem) >= dwBytes) {
      return lpMem;
    }
    thread_state().last_error = ERROR_NOT_ENOUGH_MEMORY;
    return nullptr;
  }
  const std::size_t old_size = malloc_usable_size(lpMem);
  void* p = std::realloc(lpMem, dwBytes == 0 ? 1 : dwBytes);
  if (p == nullptr) {
    thread_state().last_error = ERROR_NOT_ENOUGH_MEMORY;
    return nullptr;
  }
  if ((dwFlags & HEAP_ZERO_MEMORY) != 0 && dwBytes > old_size) {
    std::memset(static_cast<char*>(p) + old_size, 0, dwBytes - old_size);
  }
  return p;
}

BOOL WINAPI HeapFree(HANDLE hHeap, DWORD /*dwFlags*/, LPVOID lpMem) {
  if (hHeap != process_heap()) {
    thread_state().last_error = ERROR_INVALID_HANDLE;
    return FALSE;
  }
  std::free(lpMem);  // NULL is allowed and does nothing
  return TRUE;
}

SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD /*dwFlags*/, LPCVOID lpMem) {
  if (hHeap != process_heap() || lpMem == nullptr) {
    return static_cast<SIZE_T>(-1);
  }
  return malloc_usable_size(const_cast<void*>(lpMem));  // at least what was asked for
}

HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes) {
  return fixed_alloc(uFlags, uBytes);
}

HLOCAL WINAPI LocalFree(HLOCAL hMem) {
  std::free(hMem);
  return nullptr;  // NULL: freed
}

HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes) {
  return fixed_alloc(uFlags, dwBytes);
}

HGLOBAL WINAPI GlobalFree(HGLOBAL hMem) {
  std::free(hMem);
  return nullptr;
}

int WINAPI lstrlenA(LPCSTR lpString) {
  return lpString == nullptr ? 0 : static_cast<int>(std::strlen(lpString));
}

int WINAPI lstrlenW(LPCWSTR lpString) {
  if (lpString == nullptr) {
    return 0;
  }
  int n = 0;
  while (lpString[n] != 0) {
    ++n;
  }
  return n;
}

LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2) {
  if (lpString1 == nullptr || lpString2 == nullptr) {
    return nullptr;
  }
  return std::strcpy(lpString1, lpString2);
}

LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2) {
  if (lpString1 == nullptr || lpString2 == nullptr) {
    return nullptr;
  }
  return std::strcat(lpString1, lpString2);
}

int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2) {
  const int c =
      std::strcmp(lpString1 != nullptr ? lpString1 : "", lpString2 != nullptr ? lpString2 : "");
  return (c > 0) - (c < 0);
}

int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2) {
  const int c =
      strcasecmp(lpString1 != nullptr ? lpString1 : "", lpString2 != nullptr ? lpString2 : "");
  return (c > 0) - (c < 0);
}

BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE HandlerRoutine, BOOL Add) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  ws2sim::winsock::Host::State& h = call->host();
  if (HandlerRoutine == nullptr) {
    h.ignore_ctrl_c = Add != FALSE;  // (NULL, TRUE): CTRL+C is ignored
    return TRUE;
  }
  auto handler = reinterpret_cast<int (*)(std::uint32_t)>(HandlerRoutine);
  if (Add != FALSE) {
    h.ctrl_handlers.push_back(handler);
    return TRUE;
  }
  const auto it = std::find(h.ctrl_handlers.rbegin(), h.ctrl_handlers.rend(), handler);
  if (it == h.ctrl_handlers.rend()) {
    thread_state().last_error = ERROR_INVALID_PARAMETER;
    return FALSE;
  }
  h.ctrl_handlers.erase(std::next(it).base());
  return TRUE;
}
