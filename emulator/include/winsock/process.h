/*
 * process.h - ws2sim's emulation of the C runtime's thread functions (_beginthreadex, ...).
 *
 * Part of ws2sim's drop-in Windows headers (not the CRT's header). _beginthreadex makes a Windows
 * thread of the calling thread's host, exactly as CreateThread does (ws2sim_threads.h); its
 * result is the thread's HANDLE as an integer.
 */
#ifndef WS2SIM_PROCESS_H_
#define WS2SIM_PROCESS_H_

#include "ws2sim_threads.h"

WS2SIM_BEGIN_DECLS

uintptr_t __cdecl _beginthreadex(void* security, unsigned stack_size,
                                 unsigned(__stdcall* start_address)(void*), void* arglist,
                                 unsigned initflag, unsigned* thrdaddr)
    WS2SIM_SYMBOL(_beginthreadex);
void __cdecl _endthreadex(unsigned retval) WS2SIM_SYMBOL(_endthreadex);
uintptr_t __cdecl _beginthread(void(__cdecl* start_address)(void*), unsigned stack_size,
                               void* arglist) WS2SIM_SYMBOL(_beginthread);
void __cdecl _endthread(void) WS2SIM_SYMBOL(_endthread);

WS2SIM_END_DECLS

#endif /* WS2SIM_PROCESS_H_ */
