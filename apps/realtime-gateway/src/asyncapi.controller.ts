import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Finds docs/asyncapi.yaml from the source tree or from dist/ (walks up to the repo root). */
function findDocument(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'docs', 'asyncapi.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Serves the AsyncAPI 3.0 description of the WebSocket protocol. */
@Controller()
export class AsyncApiController {
  private document?: string;

  @Get('v1/asyncapi.yaml')
  @Header('content-type', 'application/yaml; charset=utf-8')
  get(): string {
    if (this.document === undefined) {
      const path = findDocument();
      if (!path) throw new NotFoundException('asyncapi.yaml is not installed');
      this.document = readFileSync(path, 'utf8');
    }
    return this.document;
  }
}
