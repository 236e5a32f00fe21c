# syntax=docker/dockerfile:1
# Build a static binary (pure Go: no cgo, the SQLite driver is pure Go too).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/atelier ./cmd/atelier

# The binary embeds templates, static files, the catalogue, migrations and tzdata.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/atelier /atelier
WORKDIR /data
ENV ATELIER_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/atelier"]
CMD ["serve"]
