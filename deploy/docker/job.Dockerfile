# The job image: Flink 2.2.1 on Java 17, the cluster job jar, ONNX Runtime GPU with the CUDA 12
# and cuDNN 9 runtime libraries it loads, the Prometheus reporter plugin, the demo model (the
# compose replay producer and its clicks are the tools image's, tools.Dockerfile). Build from the
# repository root after `mvn package`:
#   docker build -f deploy/docker/job.Dockerfile -t nextitem-job .
# Without a GPU the same image runs on CPU: ONNX Runtime falls back and says so
# (metric executionProviderIsGpu = 0).
ARG FLINK_IMAGE=flink:2.2.1-java17
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM ${CUDA_IMAGE} AS cuda

FROM ${FLINK_IMAGE}
# The CUDA and cuDNN shared libraries ONNX Runtime's CUDA provider dlopens; the driver itself
# comes from the host through the NVIDIA container toolkit.
COPY --from=cuda /usr/local/cuda/lib64/ /usr/local/cuda/lib64/
COPY --from=cuda /usr/lib/x86_64-linux-gnu/libcudnn* /usr/local/cuda/lib64/
ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64
RUN mkdir -p /opt/flink/checkpoints /opt/flink/savepoints /opt/nextitem/registry /opt/nextitem/snapshots \
    && chown -R flink:flink /opt/flink/checkpoints /opt/flink/savepoints /opt/nextitem
COPY deploy/flink/config.yaml /opt/flink/conf/config.yaml
# What the project adds to Flink's lib/ and plugins/ (built by `mvn package`, the same layout the
# standalone cluster of deploy/bin/cluster uses): ONNX Runtime beside Flink's RocksDB in lib/ (both
# left out of the job jar) and the Prometheus reporter in plugins/prometheus/.
COPY target/flink-layout/ /opt/flink/
COPY target/nextitem-job.jar /opt/flink/usrlib/nextitem-job.jar
COPY deploy/compose/nextitem.yaml /opt/nextitem/nextitem.yaml
COPY src/main/resources/nextitem/demo/registry/ /opt/nextitem/demo-registry/
USER flink
EXPOSE 8081 9249
