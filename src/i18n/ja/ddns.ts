/** 日本語: グローバルIPの監視、ダイナミックDNS、その通知(/ip, /ddns)。英語版と同じキー。 */
export const ddns = {
  ip: {
    summary: 'サーバーのグローバルIPアドレスとDNS名',
    off: 'グローバルIPの監視はオフです。オンにするには、設定から PUBLIC_IP_SOURCES=none を削除し(または独自の取得先を指定し)、ボットを再起動してください。',
    title: 'グローバルアドレス',
    ipv4: 'IPv4: {{address}}({{since}} から)',
    ipv6: 'IPv6: {{address}}({{since}} から)',
    unknown4: 'IPv4: まだ分かりません',
    sources: '一致した取得先: {{sources}}',
    problem: '前回の確認ではアドレスを確定できませんでした: {{detail}}',
    checkedAt: '確認日時: {{time}}',
    hostname: '{{hostname}} の名前解決結果: {{resolved}}',
    hostnameMismatch: '{{hostname}} は {{resolved}} を返しており、グローバルIPv4アドレスと一致しません。',
    hostnameNone: '{{hostname}} は現在名前解決できません。',
    noHostname:
      'DNS名(DDNS_HOSTNAME または WG_ENDPOINT)が設定されていません。クライアント設定にはIPアドレスが直接書かれるため、アドレスが変わると接続できなくなります。',
    statusLine: 'グローバルIP: {{address}}',
    statusUnknown: 'グローバルIP: まだ分かりません',
  },
  ddns: {
    summary: 'ダイナミックDNSの状態(管理者は /ddns update で即時更新)',
    off: 'グローバルIPの監視がオフのため、ダイナミックDNSも動いていません。PUBLIC_IP_SOURCES=none を削除してボットを再起動してください。',
    noProvider:
      'ダイナミックDNSのサービスが設定されていません。DDNS_PROVIDER(noip、duckdns、cloudflare、dyndns2)、DDNS_HOSTNAME と認証情報を設定し、ボットを再起動してください。',
    title: 'ダイナミックDNS',
    provider: 'サービス: {{provider}}、ホスト名: {{hostname}}',
    lastUpdate: '最終更新: {{time}}、応答: {{answer}}',
    never: 'まだ更新を送っていません。',
    blocked: '設定が直るまで更新を止めています(サービスの応答: 「{{answer}}」)。設定を直したらボットを再起動するか、/ddns update を送ってください。',
    retryAt: '次の再試行は {{time}} 以降です。',
    nextCheck: '次の確認: {{time}}',
    confirmBy: '無料の No-IP ホスト名です。{{date}} までに noip.com で確認(Confirm)してください。確認したら /ddns confirmed を送ってください。',
    statusBlocked: 'ダイナミックDNSは停止中です(サービスの応答: 「{{answer}}」)。/ddns を見てください。',
    forced: {
      good: '更新しました。サービスの応答: {{answer}}',
      nochg: 'レコードはすでにこのアドレスでした。サービスの応答: {{answer}}',
      fatal: '更新に失敗しました: {{answer}}。設定が直るまで更新は止めたままです。',
      retry: '今回は更新に失敗しました: {{answer}}。{{time}} 以降にもう一度試します。',
      wait: 'サービスから待つよう求められています。次の更新は {{time}} 以降です。',
      'no-address': 'グローバルアドレスがまだ分かりません。先に /ip を試してください。',
      'no-provider': 'ダイナミックDNSのサービス(DDNS_PROVIDER)が設定されていません。',
    },
    confirmed: '了解しました。次の30日が終わる前にまたお知らせします。',
    notNoip: '確認が必要なのは無料の No-IP ホスト名だけです。',
  },
  ipv6Advice: {
    status: {
      cgnat:
        'ここでは IPv4 でインターネットから接続できません（プロバイダーが 1 つの IPv4 アドレスを多くの契約者で共有しています（キャリアグレード NAT））。ただしこの Pi にはグローバル IPv6 アドレス（{{ipv6}}）があります。',
      upstream:
        'ここでは IPv4 でインターネットから接続できません（ルーターの WAN アドレスがグローバル IPv4 アドレスと異なります）。ただしこの Pi にはグローバル IPv6 アドレス（{{ipv6}}）があります。',
    },
    useHostname:
      'IPv6 を使ってください: IPv6 のネットワーク（多くのモバイル回線や家庭の回線）にいるスマートフォンやノート PC は、そのまま {{endpoint}}（同じポート）で接続できます。この名前の AAAA レコードは自動で更新されます（DDNS_IPV6）。',
    turnOnAaaa:
      'IPv6 を使ってください: DDNS_IPV6=on にすると {{endpoint}} の AAAA レコードが自動で更新され、IPv6 のネットワークにいる端末はその名前（同じポート）でそのまま接続できます。',
    noHostname:
      'IPv6 を使ってください: IPv6 のネットワークにいる端末は {{endpoint}}（同じポート）に接続できます。このアドレスはプロバイダーがプレフィックスを変えると変わるため、DDNS（DDNS_PROVIDER、DDNS_HOSTNAME）を設定し DDNS_IPV6 を有効のままにしてください。AAAA レコードが追従します。',
  },
  alert: {
    ipChanged: 'グローバルIPv{{family}}アドレスが変わりました: {{old}} → {{new}}',
    oldEndpoint:
      '接続先に {{old}} が書かれたクライアント設定では、もう接続できません。アドレスの変化に追従する名前を使うためにダイナミックDNS(DDNS_PROVIDER と DDNS_HOSTNAME)を設定するか、新しい設定を配り直してください。',
    ddnsGood: 'ダイナミックDNSを更新しました: {{hostname}} → {{address}}({{provider}} の応答: 「{{answer}}」)',
    ddnsFatal:
      '{{hostname}} のダイナミックDNS更新に失敗しました。{{provider}} の応答: 「{{answer}}」。{{fix}} 設定が変わるまで(または管理者が /ddns update を送るまで)更新は送りません。',
    ddnsRetry: '{{hostname}} のダイナミックDNS更新が一時的に失敗しました。{{provider}} の応答: 「{{answer}}」。{{time}} 以降にもう一度試します。',
    fix: {
      badauth:
        'ユーザー名かパスワードが拒否されました。DDNS_USERNAME と DDNS_PASSWORD を確認してください(No-IP の場合はアカウントのメールアドレスまたは DDNS キーのユーザー名と、そのパスワード)。',
      nohost: 'このアカウントにそのホスト名がありません。DDNS_HOSTNAME と、無料の No-IP ホスト名が期限切れになっていないかを確認してください。',
      badagent: 'サービスがこのクライアントを拒否しました。wg-chatops の開発者に報告してください。',
      '!donator': 'このアカウントでは使えない機能を要求しました。',
      abuse: 'このホスト名は不正利用としてブロックされています。サービスのサポートに連絡してください。',
      notfqdn: 'DDNS_HOSTNAME には myhome.example.net のような完全なホスト名を指定してください。',
      numhost: '一度に更新するホスト名が多すぎます。DDNS_HOSTNAME には1つだけ指定してください。',
      dnserr: 'サービス側のDNSでエラーが起きました。続く場合はサービスに連絡してください。',
      ko: 'DuckDNS が更新を拒否しました。DDNS_TOKEN と DDNS_HOSTNAME(duckdns.org のサブドメイン)を確認してください。',
      'cf-auth': 'Cloudflare がトークンを拒否しました。DDNS_TOKEN にはそのゾーンの Zone:DNS:Edit 権限が必要です。',
      'cf-no-zone': 'このホスト名のゾーンが Cloudflare にありません。DDNS_HOSTNAME を確認するか、DDNS_ZONE を設定してください。',
      'cf-request': 'Cloudflare がリクエストを拒否しました。DDNS_HOSTNAME、DDNS_ZONE、DDNS_RECORD_ID を確認してください。',
      other: 'ダイナミックDNSの設定(DDNS_…)を確認してください。',
    },
    dnsPending:
      '{{hostname}} はまだ {{address}} を返していません(現在のDNSの応答: {{resolved}})。DNSのキャッシュが切り替わるまで数分かかることがあります。切り替わったらお知らせします。',
    dnsResolved: '{{hostname}} が {{address}} を返すようになりました。',
    dnsChanged:
      '{{hostname}} のDNSの応答が {{resolved}} に変わりましたが、グローバルIPは {{address}} のままです。別の何か(他の更新ツールや手作業の編集)がレコードを書き換えています。',
    dnsMismatch: '{{hostname}} は {{resolved}} を返しますが、グローバルIPは {{address}} です。この名前を使うクライアントはこのサーバーに接続できません。',
    nat: {
      cgnat:
        'ルーターのWAN側アドレスは {{wan}} で、キャリアグレードNAT(100.64.0.0/10)のアドレスです。プロバイダーが1つのグローバルIPv4アドレス({{address}})を多くの契約者で共有しているため、ポート開放(ポートフォワーディング)は機能しません。',
      'double-nat':
        'ルーターのWAN側アドレスは {{wan}} で、プライベートアドレスです。手前にもう1台ルーターがある二重NATのため、このルーターだけでポート開放しても機能しません。',
      'upstream-nat':
        'ルーターのWAN側アドレスは {{wan}} ですが、インターネットからは {{address}} に見えます。上流にNATがあるため、ルーターでのポート開放は機能しません。',
      options:
        '対処法: プロバイダーにグローバルIPv4アドレスを申し込む(有料オプションの場合もあります)、プロバイダーが対応していればIPv6で接続する、二重NATなら手前のルーターをブリッジモードにするか、そちらでもポート開放する、または小さなクラウドサーバーなどを中継に使う。',
      ipv6Endpoint:
        'IPv6 ではこの Pi に届きます({{ipv6}})。IPv6 のネットワーク(多くのモバイル回線や家庭回線)のクライアントは、そのまま {{endpoint}} で接続できます。AAAA レコードは自動で更新されます。',
    },
    noipConfirm:
      '無料の No-IP ホスト名 {{hostname}} は {{date}} までに確認(Confirm)が必要です。確認しないと No-IP に削除されます(IPの更新では延長されません)。noip.com にログインして確認したら、/ddns confirmed を送ってください。',
  },
};
