# Sourced by the commands that run the trainer (src/trainer/bin/trainer, deploy/bin/test):
# pins OpenBLAS to its Haswell kernel (AVX2 + FMA) when OPENBLAS_CORETYPE is unset and the CPU
# has both. Why: OpenBLAS picks its kernel by the CPU model, and a model it does not know (as a
# virtual machine's CPU often is) gets the generic Prescott kernel, several times slower, whose
# rounding differs: the same seeded run then gives other weights on another machine of the same
# kind (the engine's recorded weights are Haswell's). An OPENBLAS_CORETYPE set by hand wins.
# NEXTITEM_CPUINFO lets a test describe the CPU.
if [ -z "${OPENBLAS_CORETYPE:-}" ] \
   && grep -qw avx2 "${NEXTITEM_CPUINFO:-/proc/cpuinfo}" 2>/dev/null \
   && grep -qw fma "${NEXTITEM_CPUINFO:-/proc/cpuinfo}" 2>/dev/null; then
  export OPENBLAS_CORETYPE=Haswell
fi
