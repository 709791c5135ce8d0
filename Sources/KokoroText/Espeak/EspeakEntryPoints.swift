// The few libespeak-ng functions libkokoro calls, looked up with dlsym. The header is not needed
// at build time (nor installed on most machines); the types below follow speak_lib.h and
// espeak_ng.h of espeak-ng 1.49 and later, where all of these exist.

#if canImport(Glibc)
import Glibc
#endif

struct EspeakEntryPoints {
    // void espeak_ng_InitializePath(const char *path)
    typealias InitializePath = @convention(c) (UnsafePointer<CChar>?) -> Void
    // espeak_ng_STATUS espeak_ng_Initialize(espeak_ng_ERROR_CONTEXT *context)
    typealias Initialize = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    // void espeak_ng_ClearErrorContext(espeak_ng_ERROR_CONTEXT *context)
    typealias ClearErrorContext = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Void
    // espeak_ng_STATUS espeak_ng_InitializeOutput(espeak_ng_OUTPUT_MODE, int buffer_length, const char *device)
    typealias InitializeOutput = @convention(c) (Int32, Int32, UnsafePointer<CChar>?) -> Int32
    // void espeak_ng_GetStatusCodeMessage(espeak_ng_STATUS status, char *buffer, size_t length)
    typealias GetStatusCodeMessage = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Void
    // const char *espeak_Info(const char **path_data)
    typealias Info = @convention(c) (UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> UnsafePointer<CChar>?
    // const espeak_VOICE **espeak_ListVoices(espeak_VOICE *voice_spec)
    typealias ListVoices = @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutablePointer<UnsafeRawPointer?>?
    // espeak_ERROR espeak_SetVoiceByName(const char *name)
    typealias SetVoiceByName = @convention(c) (UnsafePointer<CChar>?) -> Int32
    // const char *espeak_TextToPhonemes(const void **textptr, int textmode, int phonememode)
    typealias TextToPhonemes = @convention(c) (UnsafeMutablePointer<UnsafeRawPointer?>?, Int32, Int32) -> UnsafePointer<CChar>?

    let initializePath: InitializePath
    let initialize: Initialize
    let clearErrorContext: ClearErrorContext
    let initializeOutput: InitializeOutput
    let getStatusCodeMessage: GetStatusCodeMessage
    let info: Info
    let listVoices: ListVoices
    let setVoiceByName: SetVoiceByName
    let textToPhonemes: TextToPhonemes

    init(handle: UnsafeMutableRawPointer, libraryPath: String) throws {
        func symbol<Function>(_ name: String, as type: Function.Type) throws -> Function {
            guard let address = dlsym(handle, name) else {
                throw TextError.espeakUnavailable("\(libraryPath) has no \(name): not espeak-ng 1.49 or later; install libespeak-ng1 (Debian/Ubuntu: apt install libespeak-ng1)")
            }
            return unsafeBitCast(address, to: type)
        }
        initializePath = try symbol("espeak_ng_InitializePath", as: InitializePath.self)
        initialize = try symbol("espeak_ng_Initialize", as: Initialize.self)
        clearErrorContext = try symbol("espeak_ng_ClearErrorContext", as: ClearErrorContext.self)
        initializeOutput = try symbol("espeak_ng_InitializeOutput", as: InitializeOutput.self)
        getStatusCodeMessage = try symbol("espeak_ng_GetStatusCodeMessage", as: GetStatusCodeMessage.self)
        info = try symbol("espeak_Info", as: Info.self)
        listVoices = try symbol("espeak_ListVoices", as: ListVoices.self)
        setVoiceByName = try symbol("espeak_SetVoiceByName", as: SetVoiceByName.self)
        textToPhonemes = try symbol("espeak_TextToPhonemes", as: TextToPhonemes.self)
    }

    /// espeak-ng's text for a status code (errno values included).
    func statusMessage(_ status: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        buffer.withUnsafeMutableBufferPointer { getStatusCodeMessage(status, $0.baseAddress, $0.count - 1) }
        let message = String(cString: buffer)
        return message.isEmpty ? "status \(status)" : message
    }

    /// phonemizer's EspeakWrapper.available_voices() turned into set_voice's table: each voice's
    /// language is the first entry of its `languages` list (a priority byte, then a NUL-ended
    /// name); the first voice to claim a language wins.
    func voiceIdentifiersByLanguage() -> [String: String] {
        // espeak_VOICE begins with three pointers: name, languages, identifier.
        let languagesOffset = MemoryLayout<UnsafeRawPointer?>.stride
        let identifierOffset = 2 * MemoryLayout<UnsafeRawPointer?>.stride
        var table: [String: String] = [:]
        guard let voices = listVoices(nil) else { return table }
        var index = 0
        while let voice = voices[index] {
            index += 1
            guard let languages = voice.load(fromByteOffset: languagesOffset, as: UnsafePointer<CChar>?.self),
                  let identifier = voice.load(fromByteOffset: identifierOffset, as: UnsafePointer<CChar>?.self),
                  languages.pointee != 0 else { continue }
            let language = String(cString: languages + 1)
            if table[language] == nil { table[language] = String(cString: identifier) }
        }
        return table
    }
}
