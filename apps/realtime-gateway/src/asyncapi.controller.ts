import { Controller, Get, Header } from '@nestjs/common';

@Controller()
export class AsyncApiController {
  @Get('v1/asyncapi.yaml')
  @Header('content-type', 'application/yaml; charset=utf-8')
  get(): string {
    return '';
  }
}
