{
  "variables": {
    "lntune_mpi": "<!(node native/mpi_flags.mjs found)"
  },
  "targets": [
    {
      "target_name": "lntune_native",
      "sources": ["<!@(ls -1 native/*.cc)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags": ["-O3", "-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=gnu++17", "-fno-exceptions", "-Werror=missing-declarations"],
      "conditions": [
        [
          "lntune_mpi==1",
          {
            "defines": ["LNTUNE_MPI"],
            "cflags_cc": ["<!@(node native/mpi_flags.mjs compile)"],
            "libraries": ["<!@(node native/mpi_flags.mjs link)"]
          }
        ]
      ]
    }
  ]
}
