// CVulkan: the Vulkan API for Swift without linking libvulkan.
//
// Why: libkokoro.so must load on machines that have no Vulkan loader and then report
// KOKORO_ERR_NO_DEVICE, so nothing links against libvulkan.so.1. The headers are used with
// VK_NO_PROTOTYPES and every entry point is fetched at run time into the tables below.
// Instance- and device-level functions come from vkGetInstanceProcAddr / vkGetDeviceProcAddr,
// which also skips the loader's dispatch trampoline for device calls.
#ifndef KOKORO_CVULKAN_H
#define KOKORO_CVULKAN_H

#define VK_NO_PROTOTYPES 1
#include <vulkan/vulkan.h>

#ifdef __cplusplus
extern "C" {
#endif

// Functions reachable before an instance exists.
#define KK_VK_GLOBAL_FUNCTIONS(X) \
    X(vkCreateInstance) \
    X(vkEnumerateInstanceVersion) \
    X(vkEnumerateInstanceExtensionProperties)

// Functions loaded per instance.
#define KK_VK_INSTANCE_FUNCTIONS(X) \
    X(vkDestroyInstance) \
    X(vkEnumeratePhysicalDevices) \
    X(vkGetPhysicalDeviceProperties) \
    X(vkGetPhysicalDeviceProperties2) \
    X(vkGetPhysicalDeviceFeatures2) \
    X(vkGetPhysicalDeviceQueueFamilyProperties) \
    X(vkGetPhysicalDeviceMemoryProperties) \
    X(vkEnumerateDeviceExtensionProperties) \
    X(vkCreateDevice) \
    X(vkGetDeviceProcAddr)

// Functions loaded per device.
#define KK_VK_DEVICE_FUNCTIONS(X) \
    X(vkDestroyDevice) \
    X(vkGetDeviceQueue) \
    X(vkDeviceWaitIdle) \
    X(vkQueueSubmit) \
    X(vkQueueWaitIdle) \
    X(vkCreateBuffer) \
    X(vkDestroyBuffer) \
    X(vkGetBufferMemoryRequirements) \
    X(vkAllocateMemory) \
    X(vkFreeMemory) \
    X(vkBindBufferMemory) \
    X(vkMapMemory) \
    X(vkUnmapMemory) \
    X(vkFlushMappedMemoryRanges) \
    X(vkInvalidateMappedMemoryRanges) \
    X(vkCreateShaderModule) \
    X(vkDestroyShaderModule) \
    X(vkCreateDescriptorSetLayout) \
    X(vkDestroyDescriptorSetLayout) \
    X(vkCreatePipelineLayout) \
    X(vkDestroyPipelineLayout) \
    X(vkCreateComputePipelines) \
    X(vkDestroyPipeline) \
    X(vkCreatePipelineCache) \
    X(vkDestroyPipelineCache) \
    X(vkGetPipelineCacheData) \
    X(vkCreateCommandPool) \
    X(vkDestroyCommandPool) \
    X(vkAllocateCommandBuffers) \
    X(vkFreeCommandBuffers) \
    X(vkBeginCommandBuffer) \
    X(vkEndCommandBuffer) \
    X(vkResetCommandBuffer) \
    X(vkCmdBindPipeline) \
    X(vkCmdPushConstants) \
    X(vkCmdPushDescriptorSetKHR) \
    X(vkCmdDispatch) \
    X(vkCmdPipelineBarrier) \
    X(vkCmdCopyBuffer) \
    X(vkCmdFillBuffer) \
    X(vkCmdResetQueryPool) \
    X(vkCmdWriteTimestamp) \
    X(vkCreateQueryPool) \
    X(vkDestroyQueryPool) \
    X(vkGetQueryPoolResults) \
    X(vkCreateFence) \
    X(vkDestroyFence) \
    X(vkResetFences) \
    X(vkWaitForFences)

#define KK_VK_DECLARE_MEMBER(name) PFN_##name name;

typedef struct kk_vk_global_functions { KK_VK_GLOBAL_FUNCTIONS(KK_VK_DECLARE_MEMBER) } kk_vk_global_functions;
typedef struct kk_vk_instance_functions { KK_VK_INSTANCE_FUNCTIONS(KK_VK_DECLARE_MEMBER) } kk_vk_instance_functions;
typedef struct kk_vk_device_functions { KK_VK_DEVICE_FUNCTIONS(KK_VK_DECLARE_MEMBER) } kk_vk_device_functions;

/// Opens the Vulkan loader (libvulkan.so.1, then libvulkan.so) once per process and fills `out`.
/// Returns 0 on success; otherwise -1 and `*error_message` points to a static description.
/// Safe to call repeatedly: the library handle is kept for the life of the process.
int kk_vk_open_loader(kk_vk_global_functions *out, const char **error_message);

/// Fills `out` for `instance`. Returns the name of the first missing required function, or NULL.
const char *kk_vk_load_instance_functions(VkInstance instance, kk_vk_instance_functions *out);

/// Fills `out` for `device` using the instance table. Returns the first missing name, or NULL.
const char *kk_vk_load_device_functions(const kk_vk_instance_functions *instance_functions,
                                        VkDevice device, kk_vk_device_functions *out);

#ifdef __cplusplus
}
#endif
#endif
