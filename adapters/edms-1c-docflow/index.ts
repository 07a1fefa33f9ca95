import { defineAdapter } from '../../contracts';
import { DocflowAdapter } from './docflow.adapter';
import { DocflowConfigSchema } from './docflow.config';

/** 1С:Документооборот (DO 2.1 / 3.x, КОРП) through its DMService SOAP web service. */
export const docflowAdapter = defineAdapter({
  type: 'edms.1c-docflow',
  capabilities: ['edms.appeal.register', 'edms.appeal.track', 'edms.application.register', 'edms.application.track'],
  consumes: ['appeal.submitted', 'application.submitted', 'application.document-added'],
  mock: '1c-docflow',
  configSchema: DocflowConfigSchema,
  create: (config, ctx) => new DocflowAdapter(config, ctx),
});
