import { PluginImplementation, defineAction, z, type PluginConfiguration } from 'paddock-runtime/sdk';

interface Options {
  greeting: string;
}

export class PupPlugin extends PluginImplementation<Options> {
  override meta = { name: 'greeter', version: '1.0.0', api: '^1.0.0', repository: 'https://example.com/greeter' };
  #greeting: string;

  constructor(config: PluginConfiguration<Options>, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken);
    this.#greeting = config.options.greeting;
    // The host sends this event only because a listener exists.
    this.client.on('user_joined', async (data) => {
      const { name } = data as { name: string };
      await this.client.log('info', `${this.#greeting}, ${name}!`);
      await this.client.publish('greeted', { name });
    });
  }

  override configure(options: Options) {
    this.#greeting = options.greeting;
  }

  override actions = {
    greet: defineAction({
      description: 'Return a greeting',
      params: z.object({ name: z.string() }),
      run: ({ name }) => `${this.#greeting}, ${name}!`,
    }),
  };

  override async cleanup() {
    await this.client.log('info', 'greeter says goodbye');
    return super.cleanup();
  }
}
