import CVulkan
import KokoroShaders

/// A compute pipeline built from one embedded SPIR-V module.
///
/// Contract shared by every shader: storage buffers at set 0, bindings 0..<bindingCount (pushed
/// per dispatch with VK_KHR_push_descriptor), one push-constant block of `pushConstantBytes`,
/// and specialization constants numbered from 0 (constant 0 is the workgroup width where the
/// shader declares `local_size_x_id = 0`).
public final class Kernel {
    // The device owns its kernels (it caches them), so a kernel keeps the raw handle and function
    // table rather than a reference back: it is destroyed inside the device's deinit.
    private let vkDevice: VkDevice
    private let functions: kk_vk_device_functions
    public let name: String
    public let bindingCount: Int
    public let pushConstantBytes: Int
    let setLayout: VkDescriptorSetLayout
    let layout: VkPipelineLayout
    let pipeline: VkPipeline

    init(device: ComputeDevice, shaderName: String, bindingCount: Int, pushConstantBytes: Int,
         specialization: [UInt32], pipelineCache: VkPipelineCache?) throws {
        guard let shader = embeddedShader(named: shaderName) else {
            throw VulkanError.invalidArgument("no embedded shader named \(shaderName)")
        }
        guard pushConstantBytes % 4 == 0, pushConstantBytes <= 128 else {
            throw VulkanError.invalidArgument("push constants of \(pushConstantBytes) bytes (must be a multiple of 4, at most 128)")
        }
        self.vkDevice = device.handle
        self.functions = device.functions
        self.name = shaderName
        self.bindingCount = bindingCount
        self.pushConstantBytes = pushConstantBytes
        let f = device.functions
        let vkDevice = device.handle

        var module: VkShaderModule? = nil
        var moduleInfo = VkShaderModuleCreateInfo()
        moduleInfo.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
        moduleInfo.codeSize = shader.word_count * 4
        moduleInfo.pCode = shader.words
        try check(f.vkCreateShaderModule(vkDevice, &moduleInfo, nil, &module), "vkCreateShaderModule(\(shaderName))")
        defer { f.vkDestroyShaderModule(vkDevice, module, nil) }

        var bindings = (0..<bindingCount).map { index -> VkDescriptorSetLayoutBinding in
            var binding = VkDescriptorSetLayoutBinding()
            binding.binding = UInt32(index)
            binding.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            binding.descriptorCount = 1
            binding.stageFlags = VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT.rawValue)
            return binding
        }
        var setLayoutInfo = VkDescriptorSetLayoutCreateInfo()
        setLayoutInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
        setLayoutInfo.flags = VkDescriptorSetLayoutCreateFlags(VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR.rawValue)
        setLayoutInfo.bindingCount = UInt32(bindingCount)
        var createdSetLayout: VkDescriptorSetLayout? = nil
        try bindings.withUnsafeMutableBufferPointer { pointer in
            setLayoutInfo.pBindings = UnsafePointer(pointer.baseAddress)
            try check(f.vkCreateDescriptorSetLayout(vkDevice, &setLayoutInfo, nil, &createdSetLayout), "vkCreateDescriptorSetLayout")
        }
        setLayout = createdSetLayout!

        var range = VkPushConstantRange()
        range.stageFlags = VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT.rawValue)
        range.offset = 0
        range.size = UInt32(pushConstantBytes)
        var layoutInfo = VkPipelineLayoutCreateInfo()
        layoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
        layoutInfo.setLayoutCount = 1
        var createdLayout: VkPipelineLayout? = nil
        let layoutResult: VkResult = withUnsafePointer(to: &createdSetLayout) { setLayoutPointer in
            withUnsafePointer(to: &range) { rangePointer in
                layoutInfo.pSetLayouts = setLayoutPointer
                layoutInfo.pushConstantRangeCount = pushConstantBytes > 0 ? 1 : 0
                layoutInfo.pPushConstantRanges = rangePointer
                return f.vkCreatePipelineLayout(vkDevice, &layoutInfo, nil, &createdLayout)
            }
        }
        guard layoutResult == VK_SUCCESS, let createdLayout else {
            f.vkDestroyDescriptorSetLayout(vkDevice, setLayout, nil)
            throw VulkanError(result: layoutResult, function: "vkCreatePipelineLayout")
        }
        layout = createdLayout

        var entries = specialization.indices.map { index -> VkSpecializationMapEntry in
            VkSpecializationMapEntry(constantID: UInt32(index), offset: UInt32(index * 4), size: 4)
        }
        var values = specialization
        var createdPipeline: VkPipeline? = nil
        let pipelineResult: VkResult = "main".withCString { entryName in
            entries.withUnsafeMutableBufferPointer { entryPointer in
                values.withUnsafeMutableBytes { valueBytes in
                    var specializationInfo = VkSpecializationInfo()
                    specializationInfo.mapEntryCount = UInt32(entryPointer.count)
                    specializationInfo.pMapEntries = UnsafePointer(entryPointer.baseAddress)
                    specializationInfo.dataSize = valueBytes.count
                    specializationInfo.pData = UnsafeRawPointer(valueBytes.baseAddress)
                    return withUnsafePointer(to: &specializationInfo) { specializationPointer in
                        var stage = VkPipelineShaderStageCreateInfo()
                        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
                        stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
                        stage.module = module
                        stage.pName = entryName
                        stage.pSpecializationInfo = specialization.isEmpty ? nil : specializationPointer
                        var info = VkComputePipelineCreateInfo()
                        info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
                        info.stage = stage
                        info.layout = createdLayout
                        return f.vkCreateComputePipelines(vkDevice, pipelineCache, 1, &info, nil, &createdPipeline)
                    }
                }
            }
        }
        guard pipelineResult == VK_SUCCESS, let createdPipeline else {
            f.vkDestroyPipelineLayout(vkDevice, layout, nil)
            f.vkDestroyDescriptorSetLayout(vkDevice, setLayout, nil)
            throw VulkanError(result: pipelineResult, function: "vkCreateComputePipelines(\(shaderName))")
        }
        pipeline = createdPipeline
    }

    deinit {
        functions.vkDestroyPipeline(vkDevice, pipeline, nil)
        functions.vkDestroyPipelineLayout(vkDevice, layout, nil)
        functions.vkDestroyDescriptorSetLayout(vkDevice, setLayout, nil)
    }
}

/// Names of every embedded pipeline (for warm-up and tests).
public func embeddedShaderNames() -> [String] {
    let table = kk_shader_table()!
    return (0..<kk_shader_count()).map { String(cString: table[$0].name) }
}

func embeddedShader(named name: String) -> kk_shader? {
    let table = kk_shader_table()!
    for index in 0..<kk_shader_count() where String(cString: table[index].name) == name { return table[index] }
    return nil
}
