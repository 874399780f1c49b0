# syntax=docker/dockerfile:1
# A small image for running strictS3 beside an application under test.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/stricts3 ./cmd/stricts3

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/stricts3 /stricts3
EXPOSE 9000
# Listen on every interface inside the container; the compose file maps the
# port. Set through the environment rather than a flag so that
# `stricts3 health` (which reads STRICTS3_ADDR too) follows a changed port.
ENV STRICTS3_ADDR=0.0.0.0:9000
# Behind a published port the peer is Docker's bridge, never loopback, so
# the request inspector (/_stricts3/) is open to whoever reaches the port;
# it holds no secrets. STRICTS3_INSPECTOR=off turns it off.
ENV STRICTS3_INSPECTOR=open
# The image has no shell and no curl: the binary checks itself.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 CMD ["/stricts3", "health"]
ENTRYPOINT ["/stricts3", "serve"]
