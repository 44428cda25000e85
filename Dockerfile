# The platform's image for compose.yaml (a convenience; `make serve` on a machine needs no container).
# node:20 on Debian bookworm brings Node 20 and Python 3.11; bubblewrap is the evaluation sandbox.
FROM node:20-bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv make bubblewrap libseccomp2 curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN make install PYTHON=python3
EXPOSE 8000
CMD [".venv/bin/python", "-m", "clueboard.serve"]
