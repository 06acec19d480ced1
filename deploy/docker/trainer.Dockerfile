# The trainer image: Debian's Python with Debian's PyTorch, ONNX and Avro packages (the list in
# deploy/debian-packages.txt, the same the tests install), and the trainer. In docker-compose.yml
# it runs `finetune --watch` on the snapshot and registry volumes. Build from the repository root:
#   docker build -f deploy/docker/trainer.Dockerfile -t nextitem-trainer .
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
COPY deploy/debian-packages.txt /tmp/debian-packages.txt
RUN apt-get update \
    && grep -v '^\s*#' /tmp/debian-packages.txt | grep -v '^\s*$' | grep -v '^docker-compose$' \
       | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 trainer
COPY src/trainer/ /opt/nextitem/src/trainer/
WORKDIR /opt/nextitem
USER trainer
ENTRYPOINT ["/usr/bin/python3", "-m", "nextitem_trainer"]
ENV PYTHONPATH=/opt/nextitem/src/trainer
