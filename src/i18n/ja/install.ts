/** 日本語: `wg-chatops install`・`uninstall`・`doctor`（/status の診断行）と PiVPN の引き継ぎ。 */
export const install = {
  install: {
    help: {
      install: `wg-chatops install — この Raspberry Pi（または Debian マシン）を、ボットが管理する WireGuard サーバーとしてセットアップします。

使い方: sudo wg-chatops install [オプション]
  --answers FILE  無人インストール: .env と同じ名前の KEY=VALUE 行と INSTALL_* キー（.env.example 参照）
  --restore FILE  暗号化バックアップ（/backup、wg-chatops backup）を WireGuard の手順の前に復元します。サーバー鍵・
                  ポート・ピア・データが同じになるので、古いクライアント設定はそのまま使えます。リカバリーコードは
                  標準入力から読みます。コードが違う・ファイルが壊れている場合は何も変更せずに止まります
  --dry-run       各ステップと、書き込むファイル・実行するコマンドを表示するだけで、何も変更しません
  --yes, -y       質問せず既定値を使います
  --root DIR      DIR をルートディレクトリとして扱います（すべてのパスをその下で解決。テストやイメージ作成用）
  --help, -h      このヘルプ

どのステップも繰り返し実行して安全です。2 回目は何も変更せず、その旨を表示します。
既存の PiVPN は引き継ぎます。ピア・鍵・設定はそのまま残り、\`pivpn\` コマンドも引き続き使えます。`,
      uninstall: `wg-chatops uninstall — install が追加したもの（サービス、ユニット、ドロップイン、sysctl ファイル、ポート転送）を削除します。

使い方: sudo wg-chatops uninstall [--dry-run] [--yes] [--purge] [--root DIR]
  --purge  install が作った WireGuard 設定・鍵・クライアント設定、.env、データも削除します
           （指定しない場合は確認します。--yes だけなら残します）`,
      doctor: `wg-chatops doctor — VPN の設定を点検し、問題ごとに直し方を説明します。

使い方: wg-chatops doctor [--root DIR]
失敗した項目があると終了コード 1 を返します。`,
    },
    step: {
      serviceUser: 'ボット用のシステムユーザー',
      appFiles: 'サービスが実行するプログラム',
      verify: 'すべてが動いているかの確認',
      preflight: 'このマシンの確認',
      packages: 'WireGuard パッケージ',
      serverConfig: 'サーバー鍵とインターフェース設定',
      ipForwarding: 'IP フォワーディング',
      wgQuick: 'WireGuard サービス（wg-quick）',
      lanAddress: 'LAN アドレスの固定',
      portForward: 'ルーターのポート転送',
      ddns: 'ダイナミック DNS と到達性',
      unattendedUpgrades: 'セキュリティ更新の自動適用',
      botEnv: 'ボットの設定（.env）',
      botService: 'ボットのサービス（systemd）',
      commandLink: 'wg-chatops コマンドを PATH に追加',
      restore: 'バックアップの復元',
    },
    run: {
      planning: 'このシステムを確認しています…',
      planTitle: '計画: install が変更する内容',
      planSecrets: 'トークン・パスワード・鍵は書き込みますが表示しません。',
      applyQuestion: 'この計画を実行しますか？',
      notApplied: '実行しませんでした。何も書き込まず、何も変更していません。',
      cancelled: '中止しました。何も書き込まず、何も変更していません。',
      interrupted: '実行中に中断されました。終わったステップはそのままです。もう一度 install を実行すると続きから再開します。',
      header: '{{os}}（{{arch}}）に WireGuard と wg-chatops をセットアップします。',
      dryRunHeader: '{{os}}（{{arch}}）でのドライランです。何も変更しません。',
      nothingToDo: '変更なし（設定済み）',
      wouldDo: '実行予定:',
      done: '完了',
      file: '{{path}} を書き込み（モード {{mode}}）',
      command: '実行: {{command}}',
      secretContent: '（鍵やトークンを含むため内容は表示しません）',
      summary: '完了: {{total}} ステップ中 {{changed}} ステップで変更しました。',
      allDone: 'すべて設定済みでした。何も変更していません。',
      dryRunSummary: 'ドライラン終了: {{total}} ステップ中 {{changed}} ステップが変更を行う予定です。何も変更していません。',
      error: '中止しました:',
      badInput: '{{where}} の入力が正しくありません: {{problem}}',
      nothingWritten: '何も書き込まず、何も変更していません。',
      failed: 'インストールに失敗しました: {{message}}',
    },
    preflight: {
      notRoot: 'install は root で実行してください（例: "sudo wg-chatops install"）。',
      os: 'このマシンは {{os}} です。install が対応しているのは Raspberry Pi OS と Debian（{{supported}}）だけです。',
      arch: 'アーキテクチャ {{arch}} には対応していません（対応: {{supported}}）。',
      node: 'Node.js {{version}} は古すぎます。wg-chatops には {{min}} 以降が必要です。Debian bookworm（Raspberry Pi OS bookworm も）の標準は Node 18 です。NodeSource から Node 20 を入れる: "curl -fsSL https://deb.nodesource.com/setup_20.x -o nodesource_setup.sh && sudo bash nodesource_setup.sh && sudo apt-get install -y nodejs"（"node --version" で確認）か、標準の nodejs が Node 20 の Raspberry Pi OS / Debian trixie に移行してください。その後 install をもう一度実行してください。何も変更していません。',
      port: 'UDP ポート {{port}} は既に使われています（{{user}}）。そのプログラムを止めるか、別の WG_PORT を選んでください。',
    },
    wg: {
      subnetConflict:
        'WG_SUBNET {{subnet}} は、このマシンがつながっているネットワーク {{network}} と重なります。別の値にするか、WG_SUBNET を空にして空いている範囲を自動で選ばせてください。',
    },
    lan: {
      noConnection: 'NetworkManager に {{iface}} の有効な接続がありません。NetworkManager で手動でアドレスを設定するか、ルーターで予約してください。',
    },
    ddns: {
      failed: '{{provider}} での DDNS の確認に失敗しました: {{answer}}。DDNS_ の設定を直して、install をもう一度実行してください。',
    },
    note: {
      appFiles: 'ビルド済みのプログラムを {{from}} から {{to}} へコピーします(サービスはホームディレクトリやチェックアウトのコードを実行しません)',
      appFilesDone: '{{count}} 項目を {{to}} にコピーしました',
      kernelModule: 'カーネルに WireGuard が組み込まれています',
      wireguardGo: 'WireGuard のカーネルモジュールがないため、wireguard-go（ユーザー空間実装）を使います',
      subnet: 'トンネルのサブネットは {{subnet}}（このネットワークで未使用）、{{lan}} から {{firewall}} で NAT します',
      serverKey: 'サーバーの公開鍵: {{publicKey}}',
      noLan: 'LAN のインターフェースが見つかりません（デフォルトルートがありません）',
      reserveOnRouter: '{{address}}（{{iface}}）が変わらないよう、ルーターの DHCP 設定でこの Pi 用に予約してください',
      madeStatic: 'アドレス {{address}} を固定にします（{{via}}）。次回の再接続か再起動から有効です。ルーターの DHCP の割り当て範囲から外してください。',
      tryUpnp: 'ルーターに（UPnP または NAT-PMP で）UDP {{port}} を {{lan}}:{{port}} へ転送するよう依頼します',
      mapped: 'ルーターが UDP {{port}} を {{lan}} へ転送するようになりました（{{method}}）',
      noUpnp: 'ルーターが自動のポート転送を受け付けませんでした（UPnP・NAT-PMP が無効か未対応）',
      routerSetting: 'ルーターで次のように転送してください: プロトコル UDP、外部ポート {{port}}、転送先 {{lan}} のポート {{port}}',
      natCheck: 'ルーターの WAN アドレスと公開 IP を比べます（キャリアグレード NAT・二重 NAT の確認）',
      ddnsCheck: '認証情報の確認のため、{{provider}} で {{hostname}} を 1 回だけ実際に更新します',
      ddnsOk: '{{hostname}} を {{ip}} に更新しました',
      nat: {
        cgnat:
          'ルーターの WAN アドレス {{wan}} はキャリアグレード NAT です（公開 IP は {{publicIp}}）。外からこの Pi には接続できません。プロバイダーに公開 IPv4 アドレスを依頼するか、IPv6 を使ってください。',
        'double-nat':
          'ルーターの WAN アドレス {{wan}} がプライベートアドレスです。手前にもう 1 台ルーターがあります。両方でポート転送するか、手前のルーターをブリッジモードにしてください。',
        'upstream-nat':
          'ルーターの WAN アドレス {{wan}} が公開 IP {{publicIp}} と違います。プロバイダー側で NAT されており、外からの接続が届かないことがあります。',
      },
    },
    env: {
      newline: '{{name}} に改行が含まれています。設定ファイルには保存できないため、何も書き込んでいません。1 行で入力し直してください。',
      nul: '{{name}} に NUL 文字が含まれています。何も書き込んでいません。',
      quotes:
        '{{name}} に 2 種類の引用符と \\ ` $ " のいずれかが同時に含まれ、systemd とボットで読み方が変わります。何も書き込んでいません。どれかを含まない値にしてください。',
    },
    restore: {
      from: '{{host}} のバックアップ（{{date}} 作成、wg-chatops {{version}}）: {{count}} ファイル',
    },
    verify: {
      wouldCheck: 'サービスの稼働、インターフェースの起動、チャットへの接続を確認します',
      unitDown: '{{unit}} が動いていません',
      interfaceDown: 'WireGuard インターフェース {{iface}} が UDP {{port}} 番で起動していません',
      notReady: 'ボットがまだ準備完了を報告していません',
      platformMissing: 'ボットが {{platform}} に接続できていません',
      journalLine: 'ジャーナル: {{line}}',
      badTelegramToken: 'Telegram がトークンを拒否しました。TELEGRAM_BOT_TOKEN(@BotFather から取得)を確認し、もう一度 install を実行してください。',
      badSlackToken: 'Slack がトークンを拒否しました。SLACK_BOT_TOKEN と SLACK_APP_TOKEN を確認し、もう一度 install を実行してください。',
      howToFix:
        '上の行の問題を直してから `sudo wg-chatops install` をもう一度実行してください。完了した手順は飛ばされます。詳細: `journalctl -u wg-chatops -u wg-quick@{{iface}}`',
      failed: 'インストールしたものがまだ動いていません(上記参照)。ここまでの手順に問題はありません。修正後にもう一度 install を実行してください。',
    },
    ask: {
      yes: 'はい',
      no: 'いいえ',
      staticIp: 'この Pi は DHCP で {{iface}} に {{address}} を受け取っています。今すぐ固定アドレスにしますか？（しない場合はルーターで予約してください）',
      TELEGRAM_BOT_TOKEN: '@BotFather で発行した Telegram ボットのトークン（空欄なら Telegram を使いません）:',
      TELEGRAM_ADMIN_IDS: '管理者の Telegram ユーザー ID（カンマ区切り）:',
      SLACK_BOT_TOKEN: 'Slack のボットトークン xoxb-…（空欄なら Slack を使いません）:',
      SLACK_APP_TOKEN: 'Slack のアプリレベルトークン xapp-…（Socket Mode）:',
      SLACK_ADMIN_IDS: '管理者の Slack ユーザー ID（U…、カンマ区切り）:',
      WG_ENDPOINT: 'クライアントが接続するホスト名または公開 IP（DDNS の名前）:',
      WG_PORT: 'WireGuard の UDP ポート:',
    },
    uninstall: {
      remove: '{{path}} を削除',
      unmap: 'ルーターの UDP {{port}} の転送を削除',
      askKeys: '{{dir}} の WireGuard 設定・鍵・クライアント設定、.env、ボットのデータも削除しますか？元に戻せません。',
      keptKeys: '{{dir}}（鍵と設定）と {{env}} は残しました。削除するには "wg-chatops uninstall --purge" を実行してください',
      done: 'アンインストールが終わりました。',
    },
  },
  doctor: {
    interface: {
      ok: 'WireGuard インターフェース {{iface}} は稼働中で、UDP {{port}} で待ち受けています',
      down: 'WireGuard インターフェース {{iface}} が起動していません',
      port: '{{iface}} はポート {{port}} で待ち受けていますが、WG_PORT は {{expected}} です',
    },
    forwarding: {
      ok: 'IP フォワーディングは有効です',
      off: 'IP フォワーディングが無効です。クライアントは Pi には届きますが、その先には進めません',
    },
    drift: {
      ok: '設定ファイル、データベース、稼働中のインターフェースは一致しています',
      found: '設定ファイル、データベース、インターフェースの間に {{count}} 件の違いがあります: {{list}}',
    },
    nat: {
      ok: 'NAT（マスカレード）のルールがあります',
      missing: '{{iface}} の NAT（マスカレード）ルールが見つかりません。クライアントは LAN にもインターネットにも出られません',
    },
    lan: {
      unknown: 'LAN アドレス: 不明（デフォルトルートがありません）',
      static: 'LAN アドレス {{address}} は固定です',
      reserved: 'LAN アドレス {{address}} は DHCP ですが、ルーターで予約済みです（install 時の回答による）',
      dynamic: 'LAN アドレス {{address}} は DHCP で割り当てられており、変わる可能性があります。変わるとルーターのポート転送先がなくなります',
    },
    publicIp: {
      ok: '公開 IP は {{publicIp}}、ルーター経由で到達できます',
      unknown: '公開 IP を調べられませんでした',
      cgnat: 'キャリアグレード NAT です。ルーターの WAN アドレス {{wan}} は公開 IP {{publicIp}} ではありません',
      'double-nat': '二重 NAT です。ルーターの WAN アドレス {{wan}} がプライベートアドレスです',
      'upstream-nat': 'ルーターの WAN アドレス {{wan}} が公開 IP {{publicIp}} と違います',
    },
    dns: {
      none: 'DNS 名が設定されていません（クライアントは IP アドレスで接続します）',
      ok: '{{host}} は {{resolved}} に解決されます',
      unresolved: '{{host}} が名前解決できません',
      mismatch: '{{host}} は {{resolved}} に解決され、公開 IP {{publicIp}} と一致しません',
    },
    upnp: {
      ok: 'ルーターは UDP {{port}} を {{lan}} に転送しています（UPnP）',
      gone: 'ルーターが UDP {{port}} を {{lan}} に転送しなくなっています',
      unknown: 'UDP {{port}} の UPnP 転送についてルーターに問い合わせできませんでした',
    },
    kernelAccess: {
      ok: 'カーネル版 WireGuard: ボット（PID {{pid}}）は CAP_NET_ADMIN を持ち、{{iface}} を変更できます',
      missing:
        'カーネル版 WireGuard: ボット（PID {{pid}}）に CAP_NET_ADMIN がないため {{iface}} を変更できません（ピアの追加が "Operation not permitted" で失敗します）',
      notRunning: 'カーネル版 WireGuard: ボットが動いていないため権限を確認できませんでした',
    },
    service: { ok: 'wg-chatops サービスは稼働中です', down: 'wg-chatops サービスが動いていません' },
    tokens: {
      ok: 'チャットのトークンは設定済み、管理者 {{admins}} 人',
      none: 'Telegram も Slack もトークンがありません。コンソールのチャットしか使えません',
      noAdmins: '管理者が設定されていません。ピアの承認や管理ができる人がいません',
    },
    permissions: { ok: '鍵・設定・データベースは本人だけが読めます（0600）', loose: '他のユーザーも読めます: {{files}}' },
    pivpn: {
      ok: 'PiVPN のファイルは一致しています（クライアント {{count}} 件）',
      problems: 'PiVPN のファイルに食い違いがあります: {{problems}}',
    },
    checkFailed: '点検を実行できませんでした: {{message}}',
    summary: { ok: '問題は見つかりませんでした。', failed: '{{count}} 件の問題が見つかりました。上の対処方法を見てください。' },
    fix: {
      kernelAccess:
        'ユニットで付与する必要があります。"systemctl show -p AmbientCapabilities wg-chatops" が cap_net_admin を含むか確認し、"sudo wg-chatops install" でユニットを戻してから "sudo systemctl restart wg-chatops" を実行してください',
      drift:
        'ボットは手作業の編集(ブロック削除 = 失効、#[disabled] = 無効、ブロック追加 = 採用)を次のコマンドか起動時に取り込みます。残る場合は sudo systemctl restart wg-chatops で再起動してください',
      interface: '起動してください: sudo systemctl enable --now wg-quick@{{iface}}。失敗したら journalctl -u wg-quick@{{iface}} を確認してください',
      interfacePort: 'WG_PORT とインターフェース設定の ListenPort を同じにして、ボットを再起動してください',
      forwarding: 'sudo sysctl -w net.ipv4.ip_forward=1 を実行し、/etc/sysctl.d に残してください（wg-chatops install が行います）',
      nat: 'インターフェース設定に PostUp/PostDown のマスカレードルールを追加し（wg-chatops install が書き込みます）、wg-quick@{{iface}} を再起動してください',
      lan: 'ルーターの DHCP 設定で {{address}} をこの Pi 用に予約するか、wg-chatops install で固定してください',
      publicIp: 'Pi のインターネット接続を確認してください。問い合わせ先は PUBLIC_IP_SOURCES で指定できます',
      cgnat: '外からの接続は届きません。プロバイダーに公開 IPv4 アドレスを依頼するか、IPv6 を使ってください',
      'double-nat': '両方のルーターでポート転送するか、プロバイダーのルーターをブリッジモードにしてください',
      'upstream-nat': 'この回線で外からの接続を受けられるか、プロバイダーに確認してください',
      dns: 'DDNS の設定（チャットで /ddns）を確認し、DNS のキャッシュが切れるまで数分待ってください',
      upnp: 'wg-chatops install をもう一度実行して転送を設定するか、ルーターで UDP {{port}} を {{lan}} に手動で転送してください',
      service: 'sudo systemctl enable --now wg-chatops を実行してください。ログ: journalctl -u wg-chatops',
      tokens: '.env に TELEGRAM_BOT_TOKEN か SLACK_BOT_TOKEN を設定して、ボットを再起動してください',
      admins: '.env に TELEGRAM_ADMIN_IDS か SLACK_ADMIN_IDS を設定して、ボットを再起動してください',
      permissions: 'sudo chmod 600 {{files}}',
      pivpn:
        '/etc/wireguard/configs/clients.txt とインターフェース設定の ### begin NAME ### ブロックを見比べ、食い違っている方を直してください（ボットはインターフェース設定を正とします）',
    },
  },
  pivpn: {
    found: '{{dir}} に既存の PiVPN（クライアント {{count}} 件）が見つかりました。引き継ぎます（pivpn コマンドも引き続き使えます）。',
  },
};
