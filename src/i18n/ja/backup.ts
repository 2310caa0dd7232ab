/** バックアップと復元 (src/backup, /backup, wg-chatops backup|backup-key|restore)。 */
export const backup = {
  backup: {
    summary: '暗号化したバックアップを個人チャットに送信。定期送信は /backup auto on|off',
    sent: '暗号化バックアップ (ピア {{peers}} 件)。ファイルを安全な場所に保存してください。このメッセージは {{minutes}} 分後に削除されます。新しい SD カードでの復元: wg-chatops restore FILE (リカバリーコードが必要)。',
    sentKept:
      '暗号化バックアップ (ピア {{peers}} 件)。ファイルを安全な場所に保存してください。新しい SD カードでの復元: wg-chatops restore FILE (リカバリーコードが必要)。',
    caption: 'wg-chatops バックアップ (暗号化済み)',
    unavailable: 'このプロセスではバックアップを利用できません。',
    autoOn: '自動バックアップを有効にしました: {{schedule}} でこのチャットに送ります。',
    autoOff: '自動バックアップを無効にしました。',
    autoIsOn: '自動バックアップは有効です ({{schedule}})。',
    autoIsOff: '自動バックアップは無効です (スケジュール: {{schedule}})。/backup auto on で有効になります。',
    autoOnButOff: '登録しましたが、BACKUP_SCHEDULE=off のため weekly か daily にするまで送信されません。',
    noKey: 'このマシンにはまだバックアップ鍵がありません。Pi で `sudo wg-chatops backup-key` を実行し、表示されるリカバリーコードを保管してください。',
    keyExists: 'バックアップ鍵は既にあります ({{path}})。wg-chatops backup-key --replace で作り直せますが、それ以前のバックアップには古いコードが必要です。',
    noInterfaceConfig: 'バックアップするものがありません: {{path}} が存在しません。',
    badCode: 'リカバリーコードではありません (AGE-SECRET-KEY-1 で始まります)。何も変更していません。',
    wrongCode: 'このリカバリーコードではバックアップを開けません (別のコードか、ファイルが改変されています)。何も変更していません。',
    damaged: 'バックアップファイルが壊れているか途中で切れています ({{detail}})。何も変更していません。',
    notBackup: 'wg-chatops のバックアップファイルではありません。何も変更していません。',
    newer:
      'このバックアップは新しい wg-chatops ({{version}}、データベーススキーマ {{schema}}、こちらは {{ours}} まで対応) で作られています。先に wg-chatops を更新してください。何も変更していません。',
    restoreFailed: '復元に失敗しました ({{detail}})。書き込んだファイルは元に戻しました。何も変更していません。',
    cli: {
      keyShown:
        'リカバリーコード (表示は今回限り、このマシンには保存されません):\n\n  {{code}}\n\nパスワードマネージャーか紙に保管してください。これがないとバックアップを復元できません。\nPi には公開鍵部分だけが {{path}} に保存されます。',
      written: 'バックアップを {{path}} に書き出しました (ピア {{peers}} 件、暗号化済み)。',
      exists: '{{path}} は既に存在します。別の名前を指定してください。',
      askCode: 'リカバリーコード: ',
      restored: '{{host}} のバックアップ ({{date}} 作成、wg-chatops {{version}}) から {{count}} 個のファイルを復元しました。',
      missingSecrets: '次の設定を {{file}} に再設定してください (バックアップには含まれません): {{names}}',
      next: 'VPN とボットを再起動してください: systemctl restart wg-quick@{{iface}} wg-chatops。クライアント設定はそのまま使えます。DDNS 名はボットの最初の確認でこの Pi のアドレスに更新されます。',
      usageRestore: '使い方: wg-chatops restore FILE (リカバリーコードは標準入力から読みます)',
    },
  },
};
