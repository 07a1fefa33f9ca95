import { faultListRoutes, type AdminRoute } from '../_kit';
import type { AccountRepository } from './viber-accounts.repository';
import { mergeSettings, type ViberSettings } from './viber-mock.options';
import type { StatusFaultInjector, StatusFaultSpec } from './viber-status-fault.injector';

/** Reads and changes the run-time settings. */
export interface ViberSettingsApi {
  /** Current settings (a copy). */
  get(): ViberSettings;
  /**
   * Changes some settings (`autoProgress` may be partial); returns all of them.
   * @throws MockAdminError(400) on invalid values
   */
  set(patch: Partial<Omit<ViberSettings, 'autoProgress'>> & { autoProgress?: Partial<ViberSettings['autoProgress']> }): ViberSettings;
}

/** A bot as `GET /__admin/accounts` shows it. */
export interface AccountView {
  name: string;
  authToken: string;
  id: string;
  uri: string;
  webhook: { url: string; eventTypes: string[]; sendName: boolean; sendPhoto: boolean } | null;
}

/** Settings that live in a closure, restored to `initial` on reset. */
export function createSettingsApi(initial: ViberSettings): ViberSettingsApi & { current(): ViberSettings; reset(): void } {
  let current = mergeSettings(initial, {});
  return {
    current: () => current,
    get: () => mergeSettings(current, {}),
    set: (patch) => {
      current = mergeSettings(current, patch);
      return mergeSettings(current, {});
    },
    reset: () => {
      current = mergeSettings(initial, {});
    },
  };
}

/** The bots and their webhooks. */
export function accountViews(accounts: AccountRepository): AccountView[] {
  return accounts.list().map((a) => ({
    name: a.name,
    authToken: a.authToken,
    id: a.id,
    uri: a.uri,
    webhook: a.webhook && { url: a.webhook.url, eventTypes: [...a.webhook.eventTypes], sendName: a.webhook.sendName, sendPhoto: a.webhook.sendPhoto },
  }));
}

/** `/__admin/settings`, `/__admin/status-faults` and `/__admin/accounts`. */
export function settingsRoutes(settings: ViberSettingsApi, faults: StatusFaultInjector, accounts: AccountRepository): AdminRoute[] {
  return [
    { method: 'GET', path: '/__admin/settings', handle: () => ({ body: settings.get() }) },
    { method: 'POST', path: '/__admin/settings', handle: (ctx) => ({ body: settings.set(ctx.json() as Parameters<ViberSettingsApi['set']>[0]) }) },
    { method: 'GET', path: '/__admin/accounts', handle: () => ({ body: { accounts: accountViews(accounts) } }) },
    ...faultListRoutes<StatusFaultSpec, ReturnType<typeof faults.list>[number]>('/__admin/status-faults', faults, 'status fault'),
  ];
}
