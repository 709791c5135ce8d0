import Glibc

/// Severity of a log message; the raw values are kokoro_log_level's.
public enum LogLevel: Int32, Comparable, Sendable {
    case debug = 0, info = 1, warn = 2, error = 3

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warn: return "warn"
        case .error: return "error"
        }
    }
}

/// Receives every log message once installed with `Log.setHandler`.
public typealias LogHandler = (LogLevel, String) -> Void

/// The process-wide log destination: a handler set by the host (through the C API or Swift), or
/// stderr filtered by KOKORO_LOG_LEVEL (default warn). The handler is called outside the lock, so it
/// may replace itself.
public enum Log {
    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        return mutex
    }()
    private static var handler: LogHandler?

    /// Installs `handler` for all later messages; nil restores stderr.
    public static func setHandler(_ handler: LogHandler?) {
        pthread_mutex_lock(lock)
        self.handler = handler
        pthread_mutex_unlock(lock)
    }

    public static func debug(_ message: @autoclosure () -> String) { emit(.debug, message) }
    public static func info(_ message: @autoclosure () -> String) { emit(.info, message) }
    public static func warn(_ message: @autoclosure () -> String) { emit(.warn, message) }
    public static func error(_ message: @autoclosure () -> String) { emit(.error, message) }

    private static func emit(_ level: LogLevel, _ message: () -> String) {
        pthread_mutex_lock(lock)
        let current = handler
        pthread_mutex_unlock(lock)
        if let current {
            current(level, message())
            return
        }
        guard let threshold = stderrThreshold(), level >= threshold else { return }
        let line = "libkokoro \(level.name): \(message())\n"
        _ = line.withCString { fputs($0, stderr) }
    }

    /// The lowest level written to stderr, from KOKORO_LOG_LEVEL; nil = nothing.
    private static func stderrThreshold() -> LogLevel? {
        guard let raw = getenv("KOKORO_LOG_LEVEL") else { return .warn }
        switch String(cString: raw).lowercased() {
        case "debug": return .debug
        case "info": return .info
        case "error": return .error
        case "none", "off", "quiet": return nil
        default: return .warn
        }
    }
}
