/**
 * A Pup plugin in the style of Pup's plugin example (our own): it reads its options,
 * logs through the API, reacts to process events and cleans up.
 */
import { type PluginConfiguration, PluginImplementation } from "jsr:@pup/plugin"
import { PupRestClient } from "jsr:@pup/api-client"
import { type ApiProcessStateChangedEvent, ApiProcessState } from "jsr:@pup/api-definitions"

export class PupPlugin extends PluginImplementation {
  public meta = { name: "ExamplePlugin", version: "1.0.0", api: "1.0.0", repository: "https://example.invalid/example-plugin" }
  private client: PupRestClient
  private threshold: number

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.threshold = Number((config.options as { threshold?: number } | undefined)?.threshold ?? 0)
    this.client = new PupRestClient(`http://${apiUrl}`, apiToken, true)
    this.client.on("process_status_changed", (data) => {
      const change = data as ApiProcessStateChangedEvent
      if (change.new === ApiProcessState.FINISHED) void this.log(`${change.status.id} finished`)
    })
    this.client.on("process_scheduled", (data) => {
      const { next, status } = data as { next?: string; status: { id: string } }
      void this.log(`${status.id} runs next at ${next}`)
    })
    void this.log(`example plugin ready, threshold ${this.threshold}`)
  }

  private async log(message: string) {
    try {
      await this.client.sendLog("info", "example-plugin", message)
    } catch { /* the host is going away */ }
  }

  public async refreshApiToken(token: string) {
    this.client.refreshApiToken(token)
  }

  public async cleanup() {
    this.client.close()
    return true
  }
}
