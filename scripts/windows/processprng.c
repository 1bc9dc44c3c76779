/*
 * bcryptprimitives.dll with the one function Wine 8 lacks: ProcessPrng.
 *
 * Rust's standard library (1.78 and later) gets its random bytes on Windows from
 * ProcessPrng in bcryptprimitives.dll. Windows 10 and later have it; Wine 8 (Debian 12) does
 * not, so a Rust program run under that Wine stops at start-up with an unresolved import.
 * Put this DLL beside the executable: Windows and Wine load a DLL from the executable's
 * folder first. It is for running the tests under Wine only; never ship it to real Windows.
 *
 * ProcessPrng fills the buffer from RtlGenRandom (SystemFunction036 in advapi32.dll), which
 * Wine implements with the host's system random source. RtlGenRandom takes a 32-bit length,
 * so larger requests are served in pieces. Built by scripts/windows/build-processprng.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
