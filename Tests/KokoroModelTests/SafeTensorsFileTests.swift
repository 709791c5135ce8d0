import XCTest
@testable import KokoroModel

/// Reading valid files: values of every dtype, metadata, lookups, zero-copy access.
final class SafeTensorsFileTests: XCTestCase {
    let directory = TemporaryDirectory()

    static let specialFloats: [Float] = [
        0, -0.0, 1, -2.5, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNormalMagnitude,
        .greatestFiniteMagnitude, 3.14159,
    ]

    func testF32RoundTripsBitExactly() throws {
        let values = Self.specialFloats + [Float(bitPattern: 0x7FC0_1234)]  // NaN with a payload
        let path = directory.write(SafeTensorsWriter.file([TestTensor("x", shape: [3, 4], floats: values)]))
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(try file.floats("x").map(\.bitPattern), values.map(\.bitPattern))
        XCTAssertEqual(try file.info("x"), TensorInfo(name: "x", dtype: .f32, shape: [3, 4], dataOffsets: 0..<48))
        XCTAssertEqual(try file.info("x").elementCount, 12)
        XCTAssertEqual(try file.info("x").byteCount, 48)
    }

    func testI32ValuesConvertExactly() throws {
        let values: [Int32] = [0, 1, -1, 50, 16_777_216, -16_777_216]
        let path = directory.write(SafeTensorsWriter.file([TestTensor("ids", dtype: "I32", shape: [6], data: littleEndianBytes(values))]))
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(try file.info("ids").dtype, .i32)
        XCTAssertEqual(try file.floats("ids"), values.map(Float.init))
    }

    func testF16ValuesWiden() throws {
        let bits: [UInt16] = [0x0000, 0x8000, 0x3C00, 0x0001, 0x03FF, 0x7BFF, 0x7C00, 0xFC00, 0x7E00]
        let path = directory.write(SafeTensorsWriter.file([TestTensor("h", dtype: "F16", shape: [9], bits: bits)]))
        let values = try SafeTensorsFile(path: path).floats("h")
        XCTAssertEqual(values.count, 9)
        XCTAssertEqual(values[0].bitPattern, Float(0).bitPattern)
        XCTAssertEqual(values[1].bitPattern, Float(-0.0).bitPattern)
        XCTAssertEqual(values[2], 1)
        XCTAssertEqual(values[3], 1.0 / 16_777_216)
        XCTAssertEqual(values[4], 1023.0 / 16_777_216)
        XCTAssertEqual(values[5], 65504)
        XCTAssertEqual(values[6], .infinity)
        XCTAssertEqual(values[7], -.infinity)
        XCTAssertTrue(values[8].isNaN)
    }

    func testBF16ValuesWiden() throws {
        let bits: [UInt16] = [0x0000, 0x8000, 0x3F80, 0x0001, 0x7F80, 0xFF80, 0x7FC0, 0xC2F7]
        let path = directory.write(SafeTensorsWriter.file([TestTensor("b", dtype: "BF16", shape: [2, 4], bits: bits)]))
        let values = try SafeTensorsFile(path: path).floats("b")
        XCTAssertEqual(values.map(\.bitPattern).filter { !Float(bitPattern: $0).isNaN },
                       [0x0000_0000, 0x8000_0000, 0x3F80_0000, 0x0001_0000, 0x7F80_0000, 0xFF80_0000, 0xC2F7_0000])
        XCTAssertTrue(values[6].isNaN)
        XCTAssertEqual(values[7], -123.5)
    }

    func testMetadataNamesAndLookups() throws {
        let tensors = [
            TestTensor("b.second", shape: [2], floats: [3, 4]),
            TestTensor("a.first", shape: [1, 2], floats: [1, 2]),
            TestTensor("scalar", shape: [], floats: [7]),
            TestTensor("empty", shape: [0, 5], floats: []),
            TestTensor("ʤ\u{303} ünïcode", shape: [1], floats: [9]),
        ]
        let metadata = ["format": "kokoro-bundle", "note": "quotes \" and \\ and\nnewline", "": "empty key"]
        let path = directory.write(SafeTensorsWriter.file(tensors, metadata: metadata))
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(file.path, path)
        XCTAssertEqual(file.metadata, metadata)
        // Data order: the writer lays tensors out in the order given; "empty" occupies no bytes
        // and sorts before the tensor that starts at the same offset.
        XCTAssertEqual(file.names, ["b.second", "a.first", "scalar", "empty", "ʤ\u{303} ünïcode"])
        XCTAssertTrue(file.contains("a.first"))
        XCTAssertFalse(file.contains("a"))
        XCTAssertEqual(try file.floats("a.first"), [1, 2])
        XCTAssertEqual(try file.floats("scalar"), [7])
        XCTAssertEqual(try file.info("scalar").shape, [])
        XCTAssertEqual(try file.floats("empty"), [])
        XCTAssertEqual(try file.floats("ʤ\u{303} ünïcode"), [9])
        XCTAssertEqual(try file.floats("b.second", elements: 1..<2), [4])
        XCTAssertEqual(try file.floats("b.second", elements: 2..<2), [])
        assertModelFileError(try file.floats("b.second", elements: 1..<3), mentions: ["b.second", "1..<3", "has 2"])
        guard case .missingTensor(path, "nope")? = assertModelFileError(try file.floats("nope"), mentions: ["nope", path]) else {
            return XCTFail("wrong error")
        }
    }

    func testMissingMetadataIsEmpty() throws {
        let file = try openInMemory(SafeTensorsWriter.file([TestTensor("x", shape: [1], floats: [1])]))
        XCTAssertEqual(file.metadata, [:])
        // An empty header object is a valid file with nothing in it.
        XCTAssertEqual(try openInMemory(SafeTensorsWriter.file(header: "{}")).names, [])
    }

    func testZeroCopyBytesAreTheStoredBytes() throws {
        let tensors = [TestTensor("a", dtype: "F16", shape: [3], bits: [1, 2, 3]),
                       TestTensor("w", shape: [2, 2], floats: [1.5, -2, 0, 8])]
        let file = try openInMemory(SafeTensorsWriter.file(tensors))
        let bytes = try file.withUnsafeBytes(of: "w") { info, raw -> [UInt8] in
            XCTAssertEqual(info.dtype, .f32)
            XCTAssertEqual(raw.count, 16)
            return Array(raw)
        }
        XCTAssertEqual(bytes, tensors[1].data)
        XCTAssertEqual(try file.withUnsafeBytes(of: "a") { Array($1) }, tensors[0].data)
        assertModelFileError(try file.withUnsafeBytes(of: "zz") { _, _ in 0 }, mentions: ["zz"])
    }

    func testUnalignedDataSectionIsReadCorrectly() throws {
        // No padding: the data section starts at an odd offset, so F32 loads are unaligned.
        let tensors = [TestTensor("h", dtype: "F16", shape: [1], bits: [0x3C00]),
                       TestTensor("f", shape: [2], floats: [0.5, -4])]
        var header = Array(SafeTensorsWriter.header(tensors).utf8)
        if header.count % 2 == 0 { header.append(0x20) }
        let bytes = SafeTensorsWriter.file(header: header, data: tensors.flatMap(\.data), pad: false)
        let file = try openInMemory(bytes)
        XCTAssertEqual(try file.floats("f"), [0.5, -4])
        XCTAssertEqual(try file.floats("h"), [1])
    }

    func testAdjacentAndEmptyTensorsDoNotOverlap() throws {
        let header = #"""
        {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
         "b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},
         "e1":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},
         "e2":{"dtype":"BF16","shape":[3,0],"data_offsets":[4,4]},
         "gap":{"dtype":"F16","shape":[1],"data_offsets":[10,12]}}
        """#
        let file = try openInMemory(SafeTensorsWriter.file(header: header, data: Array(repeating: 0, count: 12)))
        XCTAssertEqual(Set(file.names), ["a", "b", "e1", "e2", "gap"])
    }

    func testUnknownFieldsInAnEntryAreIgnored() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"comment":[1,{"x":null}]}}"#
        XCTAssertEqual(try openInMemory(SafeTensorsWriter.file(header: header, data: [0, 0, 0x80, 0x3F])).floats("a"), [1])
    }

    func testFileIsUsableAfterTheCallerDropsOtherReferences() throws {
        let path = directory.write(SafeTensorsWriter.file([TestTensor("x", shape: [2], floats: [5, 6])]))
        var file: SafeTensorsFile? = try SafeTensorsFile(path: path)
        let info = try file!.info("x")
        XCTAssertEqual(try file!.floats("x"), [5, 6])
        file = nil  // unmaps; nothing else may crash afterwards
        XCTAssertEqual(info.shape, [2])
    }
}
