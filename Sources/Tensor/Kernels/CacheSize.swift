#if canImport(Glibc)
  import Glibc
#endif

/// Bytes of one core's L2 cache as the C library reports it (Linux), or 1 MiB where it
/// does not say. Blocking that must fit in L2 reads it once.
let level2CacheBytes: Int = {
  #if canImport(Glibc)
    let reported = sysconf(Int32(_SC_LEVEL2_CACHE_SIZE))
    if reported > 0 { return reported }
  #endif
  return 1 << 20
}()
