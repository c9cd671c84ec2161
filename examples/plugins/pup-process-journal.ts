/**
 * A plugin written for Pup, unchanged: it imports Pup's packages from jsr:, builds
 * Pup's REST client from the url and token it was given, keeps the token fresh, and
 * cleans up. Paddock runs it in a sandboxed worker; the jsr:@pup/… imports resolve to
 * the shims Paddock ships, and the client talks to the host over the worker's channel.
 *
 * What it does: a journal of process state changes, and the last lines of output of a
 * process that failed.
 */
import { PupRestClient } from "jsr:@pup/api-client"
import { type PluginConfiguration, PluginImplementation } from "jsr:@pup/plugin"
import type { ApiProcessStateChangedEvent } from "jsr:@pup/api-definitions"

interface Configuration {
  tail?: number
}

const STATES: Record<number, string> = { 0: "created", 100: "starting", 200: "running", 250: "stopping", 300: "finished", 400: "errored", 450: "exhausted" }

export class PupPlugin extends PluginImplementation {
  public meta = {
    name: "pup-process-journal",
    version: "1.0.0",
    api: "1.0.0",
    repository: "https://example.invalid/paddock/examples/plugins/pup-process-journal",
  }

  private config: Configuration
  private client: PupRestClient

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.config = (config.options ?? {}) as Configuration
    this.client = new PupRestClient(`http://${apiUrl}`, apiToken, true)

    this.client.on("init", async () => {
      try {
        const processes = await this.client.getProcesses()
        const ids = (processes.data ?? []).map((p) => p.status.id)
        await this.log("info", `journal started; processes: ${ids.join(", ") || "none"}`)
      } catch (_e) { /* the host is going away */ }
    })

    this.client.on("process_status_changed", async (data: unknown) => {
      const change = data as ApiProcessStateChangedEvent
      if (change.old === null || change.old === undefined) return
      const from = STATES[change.old] ?? change.old
      const to = STATES[change.new ?? -1] ?? change.new
      await this.log("info", `${change.status.id}: ${from} -> ${to}`)
      if (to === "errored") {
        try {
          const logs = await this.client.getLogs(change.status.id, undefined, undefined, undefined, this.config.tail ?? 3)
          const lines = (logs.data ?? []).filter((l) => l.category === "stdout" || l.category === "stderr").map((l) => l.text)
          await this.log("warn", `${change.status.id} failed; its last output: ${lines.join(" | ") || "(none)"}`)
        } catch (e) {
          await this.log("error", `could not read the logs of ${change.status.id}: ${e instanceof Error ? e.message : e}`)
        }
      }
    })
  }

  public async refreshApiToken(apiToken: string): Promise<void> {
    this.client.refreshApiToken(apiToken)
  }

  private async log(severity: string, message: string) {
    try {
      await this.client.sendLog(severity, "pup-process-journal", message)
    } catch (_e) { /* could not log */ }
  }

  public async cleanup(): Promise<boolean> {
    await this.log("info", "journal closed")
    this.client.close()
    return true
  }
}
