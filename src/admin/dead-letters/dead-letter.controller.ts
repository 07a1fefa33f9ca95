import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { allows } from '../auth/admin.roles';
import { auditDiff } from './dead-letter.mapper';
import { DEFAULT_RATE, DeadLetterService } from './dead-letter.service';
import { beforeOf, cursorOf, editWire, filterOf, idOf, letterWire, planWire, requiredReason } from './dead-letter-wire.mapper';

const PAGE = 100;

/** The rate of a start request: absent means the default; anything else must be a whole number (checked by the service). */
export function rateOf(v: unknown): number {
  if (v === undefined || v === '' || v === null) return DEFAULT_RATE;
  return typeof v === 'number' ? v : /^\d{1,6}$/.test(String(v)) ? Number(v) : NaN;
}

/**
 * The dead-letter API under `/v1/admin/{tenant}/dead-letters`: reading needs dead-letters.read;
 * redrive, discard, replay and approve need their own permissions, each checked by the guard for
 * the tenant of the path, and every change needs a reason and is audited.
 */
@Controller('v1/admin/:tenant/dead-letters')
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class DeadLetterController {
  constructor(private readonly letters: DeadLetterService) {}

  @Get('queues')
  @Requires('dead-letters.read')
  async queues(@Param('tenant') tenant: string, @Res() res: Response): Promise<void> {
    const rows = await this.letters.counts(tenant);
    const byQueue = new Map<string, Record<string, number>>();
    for (const r of rows) (byQueue.get(r.queue) ?? byQueue.set(r.queue, {}).get(r.queue)!)[r.status] = r.n;
    send(res, 200, { queues: [...byQueue].map(([queue, counts]) => ({ queue, counts })) });
  }

  @Get()
  @Requires('dead-letters.read')
  async list(@Param('tenant') tenant: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const q = req.query as Record<string, unknown>;
    const letters = await this.letters.list(filterOf(tenant, q), PAGE + 1, beforeOf(q.before));
    const page = letters.slice(0, PAGE);
    send(res, 200, { letters: page.map((l) => letterWire(l)), next: letters.length > PAGE ? cursorOf(page[page.length - 1]) : null });
  }

  @Get('plans')
  @Requires('dead-letters.read')
  async plans(@Param('tenant') tenant: string, @Res() res: Response): Promise<void> {
    send(res, 200, { plans: (await this.letters.plans(tenant)).map(planWire) });
  }

  @Post('plans')
  @Requires('dead-letters.redrive')
  async createPlan(@Param('tenant') tenant: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const { plan, letters } = await this.letters.createPlan(req.principal, filterOf(tenant, req.body ?? {}, ['kept']));
    send(res, 201, { plan: planWire(plan), letters: letters.slice(0, PAGE).map((l) => letterWire(l)) });
  }

  @Get('plans/:planId')
  @Requires('dead-letters.read')
  async plan(@Param('tenant') tenant: string, @Param('planId') planId: string, @Res() res: Response): Promise<void> {
    const { plan, letters } = await this.letters.plan(tenant, idOf(planId, 'redrive plan'));
    send(res, 200, { plan: planWire(plan), letters: letters.map((l) => letterWire(l)) });
  }

  @Post('plans/:planId/start')
  @Requires('dead-letters.redrive')
  async start(@Param('tenant') tenant: string, @Param('planId') planId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const reason = requiredReason(req.body);
    send(res, 200, planWire(await this.letters.startPlan(req.principal, tenant, idOf(planId, 'redrive plan'), reason, rateOf(req.body?.ratePerSecond))));
  }

  @Post('plans/:planId/cancel')
  @Requires('dead-letters.redrive')
  async cancel(@Param('tenant') tenant: string, @Param('planId') planId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    send(res, 200, planWire(await this.letters.cancelPlan(req.principal, tenant, idOf(planId, 'redrive plan'), requiredReason(req.body))));
  }

  @Get('edits')
  @Requires('dead-letters.read')
  async edits(@Param('tenant') tenant: string, @Res() res: Response): Promise<void> {
    send(res, 200, { edits: (await this.letters.pending(tenant)).map(editWire) });
  }

  @Post('edits/:editId/approve')
  @Requires('dead-letters.approve')
  async approve(@Param('tenant') tenant: string, @Param('editId') editId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const e = await this.letters.approve(req.principal, tenant, idOf(editId, 'edit'), requiredReason(req.body));
    send(res, 200, editWire({ ...e, diff: auditDiff(e.diff) }));
  }

  @Post('edits/:editId/reject')
  @Requires('dead-letters.approve')
  async reject(@Param('tenant') tenant: string, @Param('editId') editId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const e = await this.letters.reject(req.principal, tenant, idOf(editId, 'edit'), requiredReason(req.body));
    send(res, 200, editWire({ ...e, diff: auditDiff(e.diff) }));
  }

  @Get(':id')
  @Requires('dead-letters.read')
  async detail(@Param('tenant') tenant: string, @Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const reveal = req.query.reveal === '1' || req.query.reveal === 'true';
    if (reveal && !allows(req.principal.grants, 'pii.reveal', tenant)) throw new AdminDenied(403, `pii.reveal is not among your permissions for tenant ${tenant}`);
    const d = await this.letters.detail(req.principal, tenant, idOf(id, 'dead letter'), reveal);
    send(res, 200, { letter: letterWire(d.letter), headers: d.headers, message: d.message, revealed: d.revealed, edits: d.edits.map(editWire) });
  }

  @Post(':id/discard')
  @Requires('dead-letters.discard')
  async discard(@Param('tenant') tenant: string, @Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    send(res, 200, letterWire(await this.letters.discard(req.principal, tenant, idOf(id, 'dead letter'), requiredReason(req.body))));
  }

  @Post(':id/replay')
  @Requires('dead-letters.replay')
  async replay(@Param('tenant') tenant: string, @Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const reason = requiredReason(req.body);
    const message = req.body?.message;
    if (typeof message !== 'string') throw new AdminDenied(400, 'message: the edited message as JSON text');
    const out = await this.letters.propose(req.principal, tenant, idOf(id, 'dead letter'), message, reason);
    if (out.outcome === 'invalid') return void send(res, 400, { errors: out.errors });
    send(res, 200, { outcome: out.outcome, edit: editWire({ ...out.edit, diff: auditDiff(out.edit.diff) }) });
  }
}

function send(res: Response, status: number, body: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).json(body);
}
