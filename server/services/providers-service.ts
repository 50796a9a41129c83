/**
 * Bring-your-own-key settings: lists, reads and edits providers and their models in
 * providers.d, and shows the caps server's own provider read-only. Every write lands on disk
 * atomically and is visible in caps at once.
 */
import type {
  CompletionModelFamiliesResponse,
  ModelDTO,
  ModelsResponse,
  ModelType,
  ProviderDTO,
  ProvidersResponse,
  ProviderTemplatesResponse,
  SuccessResponse,
} from '../../src/protocol/http';
import { COMPLETION_MODEL_FAMILIES } from '../core/caps/model';
import { chatDto, completionDto, embeddingDto, findModelDto, modelsResponse, providerDto, readPostedModel } from '../core/providers/dto';
import { parseProviderFile } from '../core/providers/load';
import { fail, ok, type Outcome } from '../core/outcome';
import { postProcessProvider } from '../core/providers/post-process';
import { newProvider, type Provider } from '../core/providers/provider';
import { modelDefaults, providerTemplate, templateNames } from '../core/providers/templates';
import { editModelYaml, editProviderYaml, removeModelYaml } from '../core/providers/yaml-edit';
import type { CapsService } from './caps-service';
import type { ProvidersStore } from './providers-store';

const SUCCESS: SuccessResponse = { success: true };

interface Resolved {
  provider: Provider;
  readonly: boolean;
}

export class ProvidersService {
  /** Edits run one at a time: each reads, changes and writes a whole file. */
  private edits: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ProvidersStore,
    private readonly caps: CapsService,
    private readonly experimental: boolean,
  ) {}

  async list(): Promise<ProvidersResponse> {
    const snapshot = await this.caps.providersSnapshot();
    const providers = snapshot.providers.map((p) => ({ name: p.name, enabled: p.enabled, readonly: false, supports_completion: p.supports_completion }));
    const server = this.serverName();
    if (server) {
      return { providers: [{ name: server, enabled: true, readonly: true, supports_completion: true }, ...providers.filter((p) => p.name !== server)], error_log: snapshot.errorLog };
    }
    return { providers, error_log: snapshot.errorLog };
  }

  templates(): ProviderTemplatesResponse {
    return { provider_templates: templateNames().map((name) => ({ name })) };
  }

  async getProvider(name: string): Promise<Outcome<ProviderDTO>> {
    const resolved = await this.resolve(name);
    return resolved.ok ? ok(providerDto(resolved.value.provider, resolved.value.readonly)) : resolved;
  }

  saveProvider(dto: Partial<ProviderDTO> & { name: string }): Promise<Outcome<SuccessResponse>> {
    const baseline = providerTemplate(dto.name) ?? newProvider(dto.name);
    return this.rewrite(dto.name, (text) => editProviderYaml(text, this.store.pathOf(dto.name), dto, baseline));
  }

  deleteProvider(name: string): Promise<Outcome<SuccessResponse>> {
    return this.exclusive(async () => {
      if (name === this.serverName()) return fail('Forbidden', this.readonlyDetail(name));
      if (!(await this.store.remove(name))) return fail('NotFound', `provider '${name}' has no file in ${this.store.dir}`);
      this.caps.invalidateProviders();
      return ok(SUCCESS);
    });
  }

  async listModels(name: string): Promise<Outcome<ModelsResponse>> {
    const resolved = await this.resolve(name);
    return resolved.ok ? ok(modelsResponse(resolved.value.provider)) : resolved;
  }

  async getModel(provider: string, type: ModelType, model: string | undefined): Promise<Outcome<ModelDTO>> {
    const resolved = await this.resolve(provider);
    return resolved.ok ? findModelDto(resolved.value.provider, type, model) : resolved;
  }

  async saveModel(provider: string, type: ModelType, model: unknown): Promise<Outcome<SuccessResponse>> {
    const posted = readPostedModel(type, model);
    if (!posted.ok) return posted;
    return this.rewrite(provider, (text) => editModelYaml(text, this.store.pathOf(provider), posted.value));
  }

  deleteModel(provider: string, type: ModelType, model: string | undefined): Promise<Outcome<SuccessResponse>> {
    return this.rewrite(provider, (text) => removeModelYaml(text, this.store.pathOf(provider), type, model, provider));
  }

  modelDefaults(provider: string, type: ModelType): Outcome<ModelDTO> {
    const defaults = modelDefaults(provider);
    if (!defaults) return fail('NotFound', `no provider template '${provider}'`);
    if (type === 'chat') return ok(chatDto(defaults.chat));
    if (type === 'completion') return ok(completionDto(defaults.completion));
    return ok(embeddingDto(defaults.embedding));
  }

  modelFamilies(): CompletionModelFamiliesResponse {
    return { model_families: [...COMPLETION_MODEL_FAMILIES] };
  }

  private serverName(): string {
    return this.caps.serverCaps()?.info.cloud_name ?? '';
  }

  private readonlyDetail(name: string): string {
    return `provider '${name}' comes from the caps server at ${this.caps.serverCaps()?.url ?? '?'} and is read-only`;
  }

  /** The provider as the settings UI sees it: disabled models included. */
  private async resolve(name: string): Promise<Outcome<Resolved>> {
    const server = this.caps.serverCaps();
    if (server && name === server.info.cloud_name) return ok({ provider: this.finish(server.provider), readonly: true });
    const text = await this.store.read(name);
    if (text === null && !providerTemplate(name)) return fail('NotFound', `no provider '${name}': no template and no file in ${this.store.dir}`);
    const parsed = parseProviderFile({ name, path: this.store.pathOf(name), text: text ?? '' });
    if (!parsed.ok) return fail('Unprocessable', `${parsed.error.path}: ${parsed.error.error_msg}`);
    return ok({ provider: this.finish(parsed.provider), readonly: false });
  }

  private finish(provider: Provider): Provider {
    return postProcessProvider(provider, { experimental: this.experimental, includeDisabledModels: true }).provider;
  }

  /**
   * Reads a provider's file (none yet is fine for a template), applies `edit` and writes the
   * result back. The caps server's provider and unknown names are refused.
   */
  private rewrite(name: string, edit: (text: string | null) => Outcome<string>): Promise<Outcome<SuccessResponse>> {
    return this.exclusive(async () => {
      if (name === this.serverName()) return fail('Forbidden', this.readonlyDetail(name));
      const text = await this.store.read(name);
      if (text === null && !providerTemplate(name)) return fail('NotFound', `no provider '${name}': no template and no file in ${this.store.dir}`);
      const edited = edit(text);
      if (!edited.ok) return edited;
      await this.store.write(name, edited.value);
      this.caps.invalidateProviders();
      return ok(SUCCESS);
    });
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.edits.then(task, task);
    this.edits = run.catch(() => undefined);
    return run;
  }
}
