package infrastructure.rest;

import application.ApiKeyService;
import application.CacheService;
import application.RateLimitService;
import domain.access.Principal;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * A study, never part of the service: bench/cache-get-layers/run copies this into a build of its own.
 * The cache GET rebuilt as bare Vert.x routes over the service's own beans, one layer more per stage,
 * so that wrk can tell what each layer costs: 0, one Redis GET; 1, + the API key answered in process;
 * 2, + the policy api from the leased allowance; 3, + the cache read's script through the adapter
 * instead of the GET; 4, + the use case around it (guard, span, timer, access check, retries).
 */
@ApplicationScoped
public class StudyRoutes {

    void init(@Observes Router router, ApiKeyService keys, RateLimitService limits, CacheService cache, CacheRepository repo,
            ReactiveRedisDataSource redis) {
        router.get("/study/:stage/:project/:key").handler(rc -> {
            int stage = Integer.parseInt(rc.pathParam("stage"));
            ProjectId project = ProjectId.of(rc.pathParam("project"));
            CacheKey key = CacheKey.of(rc.pathParam("key"));
            Uni<Principal> who = stage == 0 ? Uni.createFrom().nullItem()
                    : keys.authenticate(rc.request().getHeader("Authorization").substring(7)).map(Optional::get);
            if (stage >= 2) {
                who = who.call(p -> limits.checkApi(p, false));
            }
            Uni<String> body;
            if (stage <= 2) {
                body = who.chain(p -> redis.execute(Command.GET, "study:value")).map(r -> r == null ? "null" : r.toString());
            } else if (stage == 3) {
                body = who.chain(p -> repo.find(project, key)).map(StudyRoutes::json);
            } else {
                body = who.chain(p -> cache.read(p, project, key)).map(StudyRoutes::json);
            }
            body.subscribe().with(b -> rc.response().putHeader("content-type", "application/json").end(b),
                    f -> rc.response().setStatusCode(503).end());
        });
    }

    private static String json(Optional<CacheEntry> found) {
        if (found.isEmpty()) {
            return "null";
        }
        CacheEntry e = found.get();
        return "{\"key\":\"" + e.key().value() + "\",\"value\":" + e.value() + ",\"version\":" + e.version() + ",\"hits\":"
                + e.hits() + "}";
    }
}
