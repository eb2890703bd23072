import { ApiError } from '../contracts/common';
import type { HandlerTable } from '../service';
import { createPaperPlan, createPlan } from '../../plans/create';
import { paperTablePlans } from '../../plans/paper-plans';
import { planReportToCsv, planReportToMarkdown } from '../../plans/report';
import { runPlan } from '../../plans/runner';
import { planActive, planDetail, planReport, planStatus, planSummary } from '../../plans/status';
import { deletePlan, listPlans } from '../../plans/store';

type PlanMethod = 'plans.paperTables' | 'plans.create' | 'plans.list' | 'plans.show' | 'plans.run' | 'plans.export' | 'plans.delete';

export const planHandlers: HandlerTable<PlanMethod> = {
  'plans.paperTables': () => Object.values(paperTablePlans).map((t) => ({ ...t, runs: t.runs.map((r) => ({ ...r })), missing: [...t.missing] })),
  'plans.create': (request, ctx) => {
    const { planId } = request.plan ? createPlan(ctx.db, request.plan, request.source) : createPaperPlan(ctx.db, request.paper!, { ...request, dataset: request.dataset! });
    return planDetail(ctx, planId);
  },
  'plans.list': (_, ctx) =>
    listPlans(ctx.db).map((plan) => planSummary(ctx, plan, planStatus(ctx, plan.id).entries)),
  'plans.show': ({ planId }, ctx) => planDetail(ctx, planId),
  'plans.run': ({ planId, parallel, retryFailed }, ctx) => ({ ...runPlan(ctx, planId, { parallel, retryFailed }), kind: 'plan' }),
  'plans.export': ({ planId, format }, ctx) => {
    const { plan, entries } = planStatus(ctx, planId);
    const report = planReport(entries);
    const text = format === 'csv' ? planReportToCsv(report) : planReportToMarkdown(report, `Plan ${plan.id}: ${plan.name}`);
    return { format, filename: `plan-${plan.id}-report.${format}`, text };
  },
  'plans.delete': ({ planId }, ctx) => {
    const { plan } = planStatus(ctx, planId);
    if (planActive(ctx, plan)) throw new ApiError('conflict', `Plan ${planId} is running: cancel its job first`);
    deletePlan(ctx.db, planId);
    return { planId, deleted: true as const };
  },
};
