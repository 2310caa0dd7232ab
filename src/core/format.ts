/** How times are shown in chat and alerts: minutes are enough, and UTC says so. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
