import { Controller, Get, Header } from '@nestjs/common';
import { PublicRoute } from '@appointments/observability';
import { ApiExcludeController } from '@nestjs/swagger';

/** A plain start page for staff until the staff web app lands: where everything is. */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class HomeController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  home(): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Appointments</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#111}a{color:#1d4ed8}</style></head>
<body><h1>Appointments</h1><p>Appointment notifications and customer responses.</p>
<ul><li><a href="/api/docs">Staff API (OpenAPI)</a>: log in with <code>POST /api/auth/login</code></li>
<li><a href="/health">Gateway health</a></li></ul></body></html>`;
  }
}
