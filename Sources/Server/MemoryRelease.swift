import CMalloc

/// Gives freed heap memory back to the kernel, so that resident memory comes back down after a large request
/// instead of staying at its peak. glibc keeps freed memory in its arenas (one per thread that allocated); by
/// default it also raises its mmap threshold after the first large free, up to 32 MiB, after which bodies,
/// parser buffers and response texts come from the arenas and stay resident once freed.
enum MemoryRelease {
    /// Allocations of at least this many bytes get pages of their own (mmap), returned whole when freed. Setting it
    /// also keeps glibc from raising it on its own.
    static let mmapThreshold: Int32 = 4 << 20

    /// A free chunk at the top of an arena this large is returned at once (glibc's default is 128 KiB once the
    /// thresholds are fixed: a 2.6 MB request would then grow and shrink the heap each time).
    static let trimThreshold: Int32 = 16 << 20

    /// A request whose body holds at least this many bytes has its freed memory trimmed once it is over.
    static let trimAfterBodyBytes = 4 << 20

    /// Sets glibc's thresholds; call once at start, before the worker threads.
    static func configure() {
        _ = cmalloc_set_thresholds(mmapThreshold, trimThreshold)
    }

    /// Returns every arena's free pages to the kernel (a few milliseconds after a large request).
    static func trim() {
        _ = cmalloc_trim()
    }
}
