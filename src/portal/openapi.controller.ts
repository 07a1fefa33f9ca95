import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { buildOpenApi } from '../../contracts';

/**
 * `GET /v1/openapi.json`: the OpenAPI 3.1 document of the hub's HTTP API, built from the contract
 * sources at startup. It is the same text as the committed `contracts/openapi.json`.
 */
@Controller()
export class OpenApiController {
  private readonly text = `${JSON.stringify(buildOpenApi(), null, 2)}\n`;

  @Get('v1/openapi.json')
  get(@Res() res: Response): void {
    res.status(200).type('application/json').send(this.text);
  }
}
