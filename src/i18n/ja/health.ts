/** 本体の健康状態の通知 (src/health)。 */
export const health = {
  health: {
    alert: '⚠️ {{message}}',
    stillAlert: '⚠️ 継続中: {{message}}',
    resolved: '✅ 解決: {{message}}',
    disk: '{{path}} のディスクの空きが残りわずかです: {{freeMb}} MB ({{percent}} %)。',
    readOnly:
      '{{mount}} のファイルシステムが読み取り専用になりました (SD カードの故障によくある症状)。変更を保存できません。バックアップ (/backup) を取り、カードを交換してください。',
    clock: '時計が同期していません (NTP なし)。WireGuard のハンドシェイクには正しい時刻が必要です。ネットワークと systemd-timesyncd を確認してください。',
    temperature: 'CPU 温度が {{celsius}} °C です ({{limit}} °C 超)。冷却を改善してください。',
    underVoltage: '電圧不足です。電源が弱すぎます。公式の電源アダプターを使ってください。',
    throttled: 'CPU の速度が制限されています ({{flags}})。',
    softTempLimit: 'CPU が温度のソフト制限に達しています。',
    interfaceDown: 'WireGuard インターフェース {{iface}} が停止しています。誰も接続できません。',
    crashRestart: 'ボットがクラッシュ後に再起動しました (journalctl -u wg-chatops を参照)。',
  },
};
