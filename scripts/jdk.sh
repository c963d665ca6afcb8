# Sourced by the scripts: finds a JDK 21 or newer and exports JAVA_HOME, so nobody sets it by hand.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm, then java on PATH.

_tapnet_java_major() {
    # Prints the major version of the java binary $1, or 0.
    local v
    v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
    case "$v" in
        1.*) echo 1 ;;
        ''|*[!0-9]*) echo 0 ;;
        *) echo "$v" ;;
    esac
}

tapnet_find_jdk() {
    local candidate best="" best_major=0 major
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        major=$(_tapnet_java_major "$JAVA_HOME/bin/java")
        if [ "$major" -ge 21 ]; then
            best="$JAVA_HOME"
            best_major=$major
        fi
    fi
    for candidate in /usr/lib/jvm/*; do
        [ -n "$best" ] && [ "$best" = "${JAVA_HOME:-}" ] && break
        [ -x "$candidate/bin/javac" ] || continue
        major=$(_tapnet_java_major "$candidate/bin/java")
        if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best="$candidate"
            best_major=$major
        fi
    done
    if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
        candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
        major=$(_tapnet_java_major "$candidate/bin/java")
        if [ "$major" -ge 21 ]; then
            best="$candidate"
        fi
    fi
    if [ -z "$best" ]; then
        echo "tapnet: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, PATH); install one, e.g. apt-get install openjdk-21-jdk" >&2
        return 1
    fi
    export JAVA_HOME="$best"
    # Maven 3.8's bundled Guava uses sun.misc.Unsafe; JDK 24+ warns about it on every build.
    if [ "$(_tapnet_java_major "$best/bin/java")" -ge 24 ]; then
        case "${MAVEN_OPTS:-}" in
            *sun-misc-unsafe-memory-access*) ;;
            *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
        esac
    fi
}
