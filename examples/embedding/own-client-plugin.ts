import { PluginImplementation, PaddockClient, type PluginConfiguration } from 'paddock-runtime/sdk';

export class PupPlugin extends PluginImplementation {
  override meta = { name: 'own-client', version: '1.0.0', api: '1', repository: 'https://example.com/own-client' };
  private api: PaddockClient;

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken);
    this.api = new PaddockClient(apiUrl, apiToken);
  }

  override refreshApiToken(token: string) {
    this.api.refreshApiToken(token);
  }

  override actions = {
    hello: () => this.api.log('info', 'hello through my own client'),
  };

  override cleanup() {
    this.api.close();
    return true;
  }
}
