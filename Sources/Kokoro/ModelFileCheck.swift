import Glibc

/// Checks that `path` is a readable regular file that starts like safetensors: an 8-byte
/// little-endian header length N with 2 <= N <= file size - 8, then a JSON header opening with '{'.
/// Throws `KokoroError.model` naming the file and the reason. `role` is "model" or "voices".
func checkSafetensorsFile(_ path: String, role: String) throws {
    func fail(_ why: String) -> KokoroError { .model("\(role) file \"\(path)\" \(why)") }
    if path.isEmpty { throw KokoroError.invalidArgument("the \(role) path is empty") }

    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw fail("cannot be opened: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 { throw fail("cannot be examined: \(String(cString: strerror(errno)))") }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw fail("is a directory; expected the bundle's \(role) .safetensors file")
    default: throw fail("is not a regular file")
    }
    let size = Int64(info.st_size)
    if size == 0 { throw fail("is empty (0 bytes); expected a .safetensors file") }
    if size < 10 { throw fail("is too short (\(size) bytes) to be a .safetensors file") }

    var prefix = [UInt8](repeating: 0, count: 9)
    var done = 0
    while done < prefix.count {
        let n = prefix.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(done)) }
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw fail("cannot be read: \(String(cString: strerror(errno)))") }
        if n == 0 { throw fail("ended while reading its header") }
        done += n
    }
    let headerLength = prefix[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    if headerLength < 2 || headerLength > UInt64(size - 8) {
        throw fail("is not a safetensors file: its first 8 bytes give a header length of \(headerLength), "
                   + "which does not fit in the \(size)-byte file")
    }
    if prefix[8] != UInt8(ascii: "{") {
        throw fail("is not a safetensors file: its header does not start with '{'")
    }
}
