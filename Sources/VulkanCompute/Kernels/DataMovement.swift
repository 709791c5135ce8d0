/// Strides of a batched 2-D transpose (elements): y[b][c][r] = x[b][r][c].
public struct TransposeShape: Sendable {
    public var rows: Int, columns: Int, batch: Int
    public var inRowStride: Int, inBatchStride: Int, outRowStride: Int, outBatchStride: Int
    /// Where input and output start in their buffers (elements).
    public var inOffset = 0, outOffset = 0

    /// Dense [batch, rows, columns] -> [batch, columns, rows].
    public init(rows: Int, columns: Int, batch: Int = 1) {
        self.init(rows: rows, columns: columns, batch: batch, inRowStride: columns, inBatchStride: rows * columns,
                  outRowStride: rows, outBatchStride: rows * columns)
    }

    public init(rows: Int, columns: Int, batch: Int, inRowStride: Int, inBatchStride: Int, outRowStride: Int, outBatchStride: Int) {
        self.rows = rows; self.columns = columns; self.batch = batch
        self.inRowStride = inRowStride; self.inBatchStride = inBatchStride
        self.outRowStride = outRowStride; self.outBatchStride = outBatchStride
    }
}

extension CommandStream {
    /// Records a batched strided transpose.
    public func transpose(input: DeviceBuffer, output: DeviceBuffer, shape s: TransposeShape, label: String? = nil) throws {
        let values = [s.rows, s.columns, s.batch, s.inRowStride, s.inBatchStride, s.outRowStride, s.outBatchStride, s.inOffset, s.outOffset]
        guard values.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }), s.inRowStride >= s.columns, s.outRowStride >= s.rows else {
            throw VulkanError.invalidArgument("transpose \(s) is inconsistent")
        }
        if s.rows == 0 || s.columns == 0 || s.batch == 0 { return }
        try requireFloats(input, s.inOffset + (s.batch - 1) * s.inBatchStride + (s.rows - 1) * s.inRowStride + s.columns, "transpose input")
        try requireFloats(output, s.outOffset + (s.batch - 1) * s.outBatchStride + (s.columns - 1) * s.outRowStride + s.rows, "transpose output")
        struct Constants { var rows, columns, inRowStride, inBatchStride, outRowStride, outBatchStride, inOffset, outOffset: UInt32 }
        let kernel = try device.kernel("transpose", bindings: 2, pushConstantBytes: MemoryLayout<Constants>.size)
        try dispatch(kernel, bindings: [.read(input), .write(output)],
                     pushConstants: Constants(rows: UInt32(s.rows), columns: UInt32(s.columns), inRowStride: UInt32(s.inRowStride),
                                              inBatchStride: UInt32(s.inBatchStride), outRowStride: UInt32(s.outRowStride),
                                              outBatchStride: UInt32(s.outBatchStride), inOffset: UInt32(s.inOffset),
                                              outOffset: UInt32(s.outOffset)),
                     groups: (try workgroupCount(ceilDiv(s.columns, 16), "transpose"), try workgroupCount(ceilDiv(s.rows, 16), "transpose"),
                              try workgroupCount(s.batch, "transpose")), label: label)
    }

    /// Records y[r, outOffset + c] = table[index[r], c] for r < rows, c < columns: embedding
    /// lookups, alignment expansion (index = token of each frame) and row broadcasts (index 0).
    /// Out-of-range indices are clamped to the last table row on the device; callers validate ids.
    public func gatherRows(table: DeviceBuffer, tableRows: Int, tableRowStride: Int? = nil, index: DeviceBuffer,
                           output: DeviceBuffer, rows: Int, columns: Int, outRowStride: Int? = nil, outOffset: Int = 0,
                           label: String? = nil) throws {
        let tableStride = tableRowStride ?? columns, outStride = outRowStride ?? columns
        guard rows >= 0, columns >= 0, tableRows > 0, tableStride >= columns, outStride >= outOffset + columns, outOffset >= 0,
              [rows, tableRows, tableStride, outStride].allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw VulkanError.invalidArgument("gatherRows of \(rows) x \(columns) from \(tableRows) rows is inconsistent")
        }
        if rows == 0 || columns == 0 { return }
        try requireFloats(table, (tableRows - 1) * tableStride + columns, "gather table")
        try requireFloats(index, rows, "gather index")
        try requireFloats(output, (rows - 1) * outStride + outOffset + columns, "gather output")
        struct Constants { var rows, columns, tableRows, tableRowStride, outRowStride, outOffset: UInt32 }
        let kernel = try device.kernel("gather_rows", bindings: 3, pushConstantBytes: MemoryLayout<Constants>.size)
        try dispatch(kernel, bindings: [.read(table), .read(index), .write(output)],
                     pushConstants: Constants(rows: UInt32(rows), columns: UInt32(columns), tableRows: UInt32(tableRows),
                                              tableRowStride: UInt32(tableStride), outRowStride: UInt32(outStride), outOffset: UInt32(outOffset)),
                     groups: (try workgroupCount(ceilDiv(columns, 64), "gather"), try workgroupCount(rows, "gather"), 1), label: label)
    }

    /// Records a 2x upsample of a channel-major [channels, length] tensor to [channels, 2 length]:
    /// nearest-neighbour, or (with `depthwiseTransposed`) a depthwise ConvTranspose1d with kernel 3,
    /// stride 2, padding 1, output padding 1 (weight [channels, 1, 3], bias [channels]).
    public func upsample2x(input: DeviceBuffer, output: DeviceBuffer, channels: Int, length: Int,
                           depthwiseTransposed: (weight: DeviceBuffer, bias: DeviceBuffer)? = nil, label: String? = nil) throws {
        guard channels > 0, length >= 0, channels <= Int(Int32.max) / max(2 * length, 1) else {
            throw VulkanError.invalidArgument("upsample of \(channels) x \(length)")
        }
        try requireFloats(input, channels * length, "upsample input")
        try requireFloats(output, channels * 2 * length, "upsample output")
        if let (weight, bias) = depthwiseTransposed {
            try requireFloats(weight, channels * 3, "upsample weight"); try requireFloats(bias, channels, "upsample bias")
        }
        if length == 0 { return }
        struct Constants { var channels, positions: UInt32 }
        let mode: UInt32 = depthwiseTransposed == nil ? 0 : 1
        let kernel = try device.kernel("upsample_depthwise", bindings: 4, pushConstantBytes: MemoryLayout<Constants>.size, specialization: [mode])
        let weight = depthwiseTransposed?.weight ?? input, bias = depthwiseTransposed?.bias ?? input
        try dispatch(kernel, bindings: [.read(input), .read(weight), .read(bias), .write(output)],
                     pushConstants: Constants(channels: UInt32(channels), positions: UInt32(length)),
                     groups: (try workgroupCount(ceilDiv(2 * length, 64), "upsample"), try workgroupCount(channels, "upsample"), 1), label: label)
    }
}
