// Read-only bytes of a whole file, mapped with mmap so that opening the 330 MB model costs no copy
// and the weights are paged in only as they are uploaded. Tests also build one from an in-memory
// array, which lets the fuzz loop exercise the parser without touching the disk.
//
// Caveat that no user-space check can close: if another process truncates the file while it is
// mapped, touching the lost pages raises SIGBUS. MAP_PRIVATE only hides later *writes*.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if _endian(big)
#error("safetensors data is little-endian and is read in place; big-endian hosts are not supported")
#endif

final class FileBytes {
    private enum Storage {
        case mapped(UnsafeMutableRawPointer, Int)
        case heap(UnsafeMutableRawPointer)
        case empty
    }

    private let storage: Storage
    /// The bytes; valid for the lifetime of this object.
    let buffer: UnsafeRawBufferPointer

    /// Maps the regular file at `path` read-only (PROT_READ, MAP_PRIVATE).
    init(mapping path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ModelFileError.cannotOpen(path: path, reason: systemError()) }
        // The mapping keeps its own reference to the file; the descriptor is not needed after mmap.
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelFileError.cannotOpen(path: path, reason: systemError())
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ModelFileError.cannotOpen(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            // mmap rejects a zero length; an empty buffer lets the parser report "0 bytes".
            storage = .empty
            buffer = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
        else { throw ModelFileError.cannotOpen(path: path, reason: "mmap failed: \(systemError())") }
        storage = .mapped(address, size)
        buffer = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Copies `bytes` into memory owned by this object.
    init(copying bytes: [UInt8]) {
        guard !bytes.isEmpty else {
            storage = .empty
            buffer = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        storage = .heap(memory)
        buffer = UnsafeRawBufferPointer(start: memory, count: bytes.count)
    }

    deinit {
        switch storage {
        case .mapped(let address, let size): munmap(address, size)
        case .heap(let memory): memory.deallocate()
        case .empty: break
        }
    }
}

/// The current errno as text, e.g. "No such file or directory".
private func systemError() -> String {
    String(cString: strerror(errno))
}
