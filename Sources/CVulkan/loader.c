// Run-time binding of the Vulkan loader; see CVulkan.h for why nothing links libvulkan.
#include "CVulkan.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static void *loader_handle;
static PFN_vkGetInstanceProcAddr get_instance_proc_addr;
static const char *loader_error;
static pthread_once_t loader_once = PTHREAD_ONCE_INIT;

static void open_loader_once(void) {
    // RTLD_LOCAL keeps the loader's symbols out of the host's global namespace.
    const char *candidates[] = {"libvulkan.so.1", "libvulkan.so"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        loader_handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (loader_handle) break;
    }
    if (!loader_handle) {
        loader_error = "the Vulkan loader (libvulkan.so.1) is not installed";
        return;
    }
    get_instance_proc_addr = (PFN_vkGetInstanceProcAddr)dlsym(loader_handle, "vkGetInstanceProcAddr");
    if (!get_instance_proc_addr) loader_error = "libvulkan.so.1 does not export vkGetInstanceProcAddr";
}

int kk_vk_open_loader(kk_vk_global_functions *out, const char **error_message) {
    pthread_once(&loader_once, open_loader_once);
    if (!get_instance_proc_addr) {
        if (error_message) *error_message = loader_error;
        return -1;
    }
#define KK_LOAD_GLOBAL(name) out->name = (PFN_##name)get_instance_proc_addr(NULL, #name);
    KK_VK_GLOBAL_FUNCTIONS(KK_LOAD_GLOBAL)
#undef KK_LOAD_GLOBAL
    if (!out->vkCreateInstance) {
        if (error_message) *error_message = "the Vulkan loader does not provide vkCreateInstance";
        return -1;
    }
    return 0;
}

const char *kk_vk_load_instance_functions(VkInstance instance, kk_vk_instance_functions *out) {
    if (!get_instance_proc_addr) return "vkGetInstanceProcAddr";
#define KK_LOAD_INSTANCE(name) \
    out->name = (PFN_##name)get_instance_proc_addr(instance, #name); \
    if (!out->name) return #name;
    KK_VK_INSTANCE_FUNCTIONS(KK_LOAD_INSTANCE)
#undef KK_LOAD_INSTANCE
    return NULL;
}

const char *kk_vk_load_device_functions(const kk_vk_instance_functions *instance_functions,
                                        VkDevice device, kk_vk_device_functions *out) {
#define KK_LOAD_DEVICE(name) \
    out->name = (PFN_##name)instance_functions->vkGetDeviceProcAddr(device, #name); \
    if (!out->name) return #name;
    KK_VK_DEVICE_FUNCTIONS(KK_LOAD_DEVICE)
#undef KK_LOAD_DEVICE
    return NULL;
}
