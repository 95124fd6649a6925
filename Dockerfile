# One image for every function: FUNCTION_TARGET picks the one a Cloud Run service serves.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/functions ./functions/cmd/functions \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/torale ./cli/torale

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/functions /out/torale /usr/local/bin/
ENV PORT=8080
ENTRYPOINT ["/usr/local/bin/functions"]
