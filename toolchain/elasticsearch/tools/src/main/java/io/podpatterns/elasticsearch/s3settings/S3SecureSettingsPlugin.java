package io.podpatterns.elasticsearch.s3settings;

import org.elasticsearch.common.settings.SecureSetting;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.plugins.Plugin;

import java.util.List;

/**
 * Stands in for the repository-s3 module, which Maven Central does not serve, as far as the prod stack needs it: the
 * names of its secure client settings ({@code s3.client.<client>.access_key}, {@code secret_key},
 * {@code session_token}), so that a keystore holding them is accepted at startup as the image accepts it. It
 * registers no repository type: snapshots to S3 cannot be taken with it.
 */
public final class S3SecureSettingsPlugin extends Plugin {
    static final List<String> SECURE_CLIENT_SETTINGS = List.of("access_key", "secret_key", "session_token");

    @Override
    public List<Setting<?>> getSettings() {
        return SECURE_CLIENT_SETTINGS.stream()
            .<Setting<?>>map(name -> Setting.affixKeySetting("s3.client.", name, key -> SecureSetting.secureString(key, null)))
            .toList();
    }
}
