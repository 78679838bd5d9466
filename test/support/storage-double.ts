import { readFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { trackServerSockets } from './close-server.ts';

/**
 * How the storage host answers a layer read, as ECR's S3 layer bucket would (blobs redirect to a pre-signed URL
 * on `prod-<region>-starport-layer-bucket`: "Amazon ECR interface VPC endpoints", https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
 */
export type StorageMode =
  /** 206 with the one byte asked for (or 200 with one byte when no Range came). */
  | 'healthy'
  /** 403 with S3's XML error body, as a gateway endpoint or bucket policy that denies the object gives it. */
  | 'denied'
  /** Request read, no answer ever. */
  | 'hang'
  /** 200 with a body far larger than asked for (the Range ignored), sent until the client hangs up. */
  | 'whole-body'
  /** 206 with more bytes than the one asked for. */
  | 'oversized-206'
  /** 206 with no body at all. */
  | 'empty'
  /** 307 back to itself, forever. */
  | 'redirect-loop';

export interface StorageRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface StorageDouble {
  /** `https://127.0.0.1:<port>`, or `http://` with `plainHttp`. */
  readonly url: string;
  /** Every request received, with its headers, oldest first. */
  readonly requests: StorageRequest[];
  /** Bytes of body written to clients in all, so a test can tell a read that stopped from one that did not. */
  readonly bytesSent: number;
  setMode(mode: StorageMode): void;
  close(): Promise<void>;
}

/** S3's answer to a GetObject its policy denies (Amazon S3 API reference, "Error responses"). */
export const S3_ACCESS_DENIED_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>storage-double</HostId></Error>';

/** What the fault proxy's `redirect-blobs` answers point at: a pre-signed-looking object URL on the storage host. */
export function presignedLayerUrl(storageUrl: string, blobPath: string): string {
  const digest = blobPath.slice(blobPath.lastIndexOf('/') + 1).replace('sha256:', '');
  return `${storageUrl}/prod-eu-west-1-starport-layer-bucket/${digest}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=${'5'.repeat(64)}`;
}

/** A loopback storage host for layer reads, behind the registry's redirect; it records every request's headers. */
export async function startStorageDouble(
  tls: { certPath: string; keyPath: string },
  options: { plainHttp?: boolean } = {},
): Promise<StorageDouble> {
  const [cert, key] = await Promise.all([readFile(tls.certPath), readFile(tls.keyPath)]);
  const requests: StorageRequest[] = [];
  let mode: StorageMode = 'healthy';
  let bytesSent = 0;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers } });
    req.resume();
    answer(mode, req, res);
  };
  const server = options.plainHttp
    ? http.createServer(onRequest)
    : https.createServer({ cert, key }, onRequest);
  const closer = trackServerSockets(server);
  server.on('tlsClientError', () => {});

  function answer(current: StorageMode, req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, headers: Record<string, string>, body: Buffer) => {
      res.writeHead(status, headers);
      bytesSent += body.length;
      res.end(body);
    };
    switch (current) {
      case 'healthy':
        if (req.headers.range === 'bytes=0-0') {
          send(
            206,
            { 'content-range': 'bytes 0-0/58', 'content-type': 'application/octet-stream' },
            Buffer.of(0x1f),
          );
        } else send(200, { 'content-type': 'application/octet-stream' }, Buffer.of(0x1f));
        break;
      case 'denied':
        send(403, { 'content-type': 'application/xml' }, Buffer.from(S3_ACCESS_DENIED_XML));
        break;
      case 'hang':
        break;
      case 'whole-body': {
        // Streams 64 KiB chunks until the client goes away: a client that reads it all never finishes.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x1f);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) bytesSent += chunk.length;
          if (!res.destroyed) bytesSent += chunk.length;
        };
        res.on('drain', pump);
        pump();
        break;
      }
      case 'oversized-206':
        send(
          206,
          { 'content-range': 'bytes 0-65535/65536', 'content-type': 'application/octet-stream' },
          Buffer.alloc(64 * 1024, 0x1f),
        );
        break;
      case 'empty':
        send(206, { 'content-range': 'bytes 0-0/58' }, Buffer.alloc(0));
        break;
      case 'redirect-loop':
        send(307, { location: req.url ?? '/' }, Buffer.alloc(0));
        break;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.plainHttp ? 'http' : 'https'}://127.0.0.1:${port}`,
    requests,
    get bytesSent() {
      return bytesSent;
    },
    setMode(next) {
      mode = next;
    },
    close: () => closer.close(),
  };
}
