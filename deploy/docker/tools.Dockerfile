# The tools image: target/nextitem.jar, which holds every command (the job's and the tools':
# replay, tail, demo, ...), and the demo clicks. docker-compose.yml's replay producer runs it; the
# job image carries only the cluster job jar, which has no tools. Java 17 comes with the Flink
# image the job image is built on. Build from the repository root after `mvn package`:
#   docker build -f deploy/docker/tools.Dockerfile -t nextitem-tools .
ARG FLINK_IMAGE=flink:2.2.1-java17
FROM ${FLINK_IMAGE}
COPY target/nextitem.jar /opt/nextitem/nextitem.jar
COPY src/main/resources/nextitem/demo/clicks.csv.gz /opt/nextitem/demo-clicks.csv.gz
USER flink
ENTRYPOINT ["java", "-jar", "/opt/nextitem/nextitem.jar"]
